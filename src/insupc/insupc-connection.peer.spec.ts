import fc from 'fast-check';
import {
  encodeDbQueryResponse,
  encodeDbStatusRequest,
  MsgCode,
  ResultCode,
} from '../../libs/insupc-protocol/src';
import { ConnectionState } from './connection-state';
import {
  captureLogs,
  encodeFrameWithCode,
  flush,
  query,
  setup,
} from './testing/connection-harness';

/** What an INSUPC peer can do to one connection: answer anything, flood, be traced. */
describe('InsupcConnection and its peer', () => {
  let logs: string[];
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('property: whatever the server sends, every request is settled exactly once (never twice, never left)', async () => {
    type Input = { bytes: Uint8Array } | { answer: number } | { status: 'MA' | 'MB' };
    const input: fc.Arbitrary<Input> = fc.oneof(
      fc.record({ bytes: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ answer: fc.nat(7) }), // an answer to query n (duplicates included), or unknown
      fc.record({ status: fc.constantFrom('MA' as const, 'MB' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(input, { maxLength: 8 }),
        async (n, inputs) => {
          const { conn, socket, logon, h } = setup();
          logon();
          const calls: number[] = Array(n).fill(0);
          for (let i = 0; i < n; i++) {
            const settle = () => void calls[i]++;
            conn.send('api', [String(i)], { resolve: settle, reject: settle, sentAt: 0, epoch: 0 });
          }
          const tids = socket()
            .frames.filter((f) => f.msgCode === MsgCode.DB_QUERY_REQUEST)
            .map((f) => f.transactionId);
          for (const x of inputs) {
            if ('bytes' in x) socket().receive(Buffer.from(x.bytes));
            else if ('status' in x) socket().receive(encodeDbStatusRequest(h(777), x.status));
            else {
              const tid = tids[x.answer] ?? 0xfffffff0;
              socket().receive(encodeDbQueryResponse(h(tid), ResultCode.SUCCESS));
            }
          }
          await flush();
          // settled at most once so far, and whatever is unsettled is still pending
          expect(calls.every((c) => c <= 1)).toBe(true);
          expect(conn.pending.size).toBe(calls.filter((c) => c === 0).length);
          await conn.stop();
          await flush();
          expect(calls).toEqual(Array(n).fill(1));
          expect(conn.pending.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an execute whose DB_QUERY_REQUEST would exceed max-frame-bytes is refused, nothing is sent, others unaffected', async () => {
    const { conn, socket, logon, h } = setup();
    logon();
    const other = query(conn, 'small', ['1']);
    const sentBefore = socket().count(MsgCode.DB_QUERY_REQUEST);
    const big = query(conn, 'big', ['x'.repeat(5000)]); // maxFrameBytes is 4096 here
    await expect(big).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(big).rejects.toThrow(/exceeds insupc\.max-frame-bytes \(4096\)/);
    expect(socket().count(MsgCode.DB_QUERY_REQUEST)).toBe(sentBefore);
    expect(conn.state).toBe(ConnectionState.READY);
    const tid = socket().last(MsgCode.DB_QUERY_REQUEST).transactionId;
    socket().receive(encodeDbQueryResponse(h(tid), ResultCode.SUCCESS));
    await expect(other).resolves.toMatchObject({ result: ResultCode.SUCCESS });
  });

  it('logging.insupc-frames: off writes no frame trace; on traces every frame in and out, password masked', () => {
    const { conn, socket, logon, h, logging } = setup();
    logon();
    expect(logs.filter((l) => l.startsWith('INSUPC frame'))).toEqual([]);
    logging.insupcFrames = true; // hot: read per frame
    void query(conn, 'getX', ['010']).catch(() => undefined);
    const tid = socket().last(MsgCode.DB_QUERY_REQUEST).transactionId;
    socket().receive(encodeDbQueryResponse(h(tid), ResultCode.SUCCESS, { sqlOutput: '{}' }));
    const traces = logs.filter((l) => l.startsWith('INSUPC frame'));
    expect(traces).toHaveLength(2);
    expect(traces[0]).toMatch(/^INSUPC frame -> INSUP_SESSION_001\nDB_QUERY_REQUEST /);
    expect(traces[0]).toContain('API_NAME(0x0001) len=4 "getX"');
    expect(traces[1]).toMatch(
      /^INSUPC frame <- INSUP_SESSION_001\nDB_QUERY_RESPONSE .*result=0x01/,
    );
    void conn.stop();
    expect(logs.filter((l) => l.startsWith('INSUPC frame')).pop()).toContain('DB_RELEASE_REQUEST');
    expect(logs.join('\n')).not.toContain('"pw"');
  });

  it('a status push storm logs a bounded number of lines; a change is still logged exactly when it happens', async () => {
    const { socket, logon, h, advance } = setup({ readTimeout: 1e9, heartbeatInterval: 1e9 });
    logon('MA');
    logs.length = 0;
    // 20,000 here (fake time); the e2e (test/insupc-peer-flood) sends 200,000 over a socket
    for (let i = 0; i < 20_000; i++) {
      socket().receive(encodeDbStatusRequest(h(i + 10), i === 15_000 ? 'MB' : 'MA'));
      if (i % 2_000 === 0) await advance(100); // 1 s of fake time over the storm
    }
    expect(socket().count(MsgCode.DB_STATUS_RESPONSE)).toBe(20_000);
    // the change back within the second is counted into the summary line (spec section 7)
    await advance(1000);
    expect(logs.filter((l) => l.includes('DB Status changed'))).toEqual([
      '[INSUPC|INSUPC-1] DB Status changed | old: MA, new: MB',
      '[INSUPC|INSUPC-1] DB Status changed 1 times in the last 1000 ms, now MA',
    ]);
    expect(logs.length).toBeLessThan(30);
    for (let i = 0; i < 1000; i++) socket().receive(encodeFrameWithCode(0x42, h(i)));
    expect(logs.filter((l) => l.includes('ignoring unexpected UNKNOWN(0x42)')).length).toBe(1);
  });
});
