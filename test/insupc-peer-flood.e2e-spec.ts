/**
 * Issue 14 item 3: a hostile or broken INSUPC server must not flood the logs. 200,000
 * DB_STATUS pushes and 1,000 frames with an unknown message code produce a bounded number of
 * lines (the log throttle: first line, then a count); a push that repeats the status logs at
 * debug; the status-change line operators grep for is written when the status changes, and
 * for a server whose status flaps (issue 20 item 6, operations spec section 7) at most once a
 * second: the first line at once, then a count.
 */
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import {
  encodeDbAccessResponse,
  encodeDbStatusRequest,
  encodeFrame,
  FrameDecoder,
  MsgCode,
  ResultCode,
} from '../libs/insupc-protocol/src';
import { startTransport, TransportHarness } from './insupc-gw-harness';
import { waitFor } from './support/wait-for';

describe('INSUPC peer log flood (e2e)', () => {
  let server: Server;
  let peer: Socket | undefined;
  let statusAnswers = 0;
  let gw: TransportHarness | undefined;
  /** when the last `DB Status changed` line was seen: the next window starts a second later. */
  let lastStatusLineAt = 0;
  const header = { asId: 100, transactionId: 0, sessionId: 'INSUP_SESSION_001' };

  beforeAll(async () => {
    server = createServer((socket) => {
      peer = socket;
      const decoder = new FrameDecoder({
        onFrame: (f) => {
          if (f.msgCode === MsgCode.DB_STATUS_RESPONSE) statusAnswers++;
          if (f.msgCode !== MsgCode.DB_ACCESS_REQUEST) return;
          const h = { ...header, transactionId: f.transactionId };
          socket.write(encodeDbAccessResponse(h, ResultCode.SUCCESS, 'MA'));
        },
      });
      socket.on('data', (chunk) => decoder.push(chunk));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    gw = await startTransport([
      {
        name: 'FLOOD',
        port: (server.address() as AddressInfo).port,
        overrides: { heartbeatInterval: 60_000, readTimeout: 60_000 },
      },
    ]);
    await waitFor(() => gw!.state.routableServerCount() === 1, 5000, 'logged on');
  });

  afterAll(async () => {
    await gw?.close();
    peer?.destroy();
    await new Promise((r) => server.close(r));
  });

  /** writes `n` frames built by `frame(i)` in batches, then waits for `done`. */
  async function storm(n: number, frame: (i: number) => Buffer, done: () => boolean) {
    const batch = 5000;
    for (let i = 0; i < n; i += batch) {
      const frames: Buffer[] = [];
      for (let j = i; j < Math.min(n, i + batch); j++) frames.push(frame(j));
      peer!.write(Buffer.concat(frames));
    }
    await waitFor(done, 60_000, 'the storm processed');
  }

  it('200,000 status pushes: every one answered, a bounded number of lines, changes logged exactly', async () => {
    gw!.logs.clear();
    const n = 200_000;
    // MA throughout except one MB in the middle: two changes (MA→MB, MB→MA)
    await storm(
      n,
      (i) => encodeDbStatusRequest({ ...header, transactionId: i + 1 }, i === n / 2 ? 'MB' : 'MA'),
      () => statusAnswers >= n,
    );
    // the change back came within the second: counted into one summary line
    await waitFor(() => gw!.logs.has('[INSUPC|FLOOD] DB Status changed 1 times'), 3000);
    lastStatusLineAt = Date.now();
    const lines = gw!.logs.lines.filter((l) => l.context === 'INSUPC|FLOOD');
    expect(
      lines.filter((l) => l.message.includes('DB Status changed')).map((l) => l.message),
    ).toEqual([
      '[INSUPC|FLOOD] DB Status changed | old: MA, new: MB',
      expect.stringMatching(
        /^\[INSUPC\|FLOOD\] DB Status changed 1 times in the last \d+ ms, now MA$/,
      ),
    ]);
    expect(lines.length).toBeLessThan(200);
    const info = lines.filter(
      (l) => l.level === 'log' && l.message.startsWith('INSUPC_STATUS_NOTIFICATION'),
    );
    expect(info.length).toBeLessThanOrEqual(2);
  });

  it('1,000 unknown message codes: one WARN line, then a count', async () => {
    gw!.logs.clear();
    const unknown = (i: number) =>
      encodeFrame({
        ...header,
        transactionId: i,
        msgCode: 0x42,
        svca: 0xa2,
        dvca: 0x11,
        result: 0,
        svcId: '0001',
      });
    const marker = { ...header, transactionId: 999_999 };
    const answersBefore = statusAnswers;
    await storm(
      1001,
      (i) => (i < 1000 ? unknown(i) : encodeDbStatusRequest(marker, 'MA')),
      () => statusAnswers >= answersBefore + 1,
    );
    const warns = gw!.logs.lines.filter((l) =>
      l.message.includes('ignoring unexpected UNKNOWN(0x42)'),
    );
    expect(warns.length).toBeGreaterThanOrEqual(1);
    expect(warns.length).toBeLessThanOrEqual(10);
    expect(gw!.state.routableServerCount()).toBe(1);
  });

  it('20,000 pushes that each change the status (MS/MA flapping): the first line, then one a second with the count', async () => {
    // a second after the last line the next change is written at once again
    await waitFor(() => Date.now() - lastStatusLineAt > 1100, 3000, 'a quiet second');
    gw!.logs.clear();
    const n = 20_000;
    const started = Date.now();
    const before = statusAnswers;
    await storm(
      n,
      (i) => encodeDbStatusRequest({ ...header, transactionId: i + 1 }, i % 2 ? 'MA' : 'MS'),
      () => statusAnswers >= before + n,
    );
    const changed = () =>
      gw!.logs.lines.filter((l) => l.message.startsWith('[INSUPC|FLOOD] DB Status changed'));
    const counted = () =>
      changed().reduce(
        (sum, l) => sum + Number(/changed (\d+) times/.exec(l.message)?.[1] ?? 1),
        0,
      );
    await waitFor(() => counted() === n, 5000, 'every change written or counted');
    const seconds = (Date.now() - started) / 1000;
    const lines = changed();
    expect(lines[0].message).toBe('[INSUPC|FLOOD] DB Status changed | old: MA, new: MS');
    expect(lines.length).toBeLessThanOrEqual(2 + Math.ceil(seconds));
    expect(lines[lines.length - 1]).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/DB Status changed \d+ times in the last \d+ ms, now MA$/),
    });
  });
});
