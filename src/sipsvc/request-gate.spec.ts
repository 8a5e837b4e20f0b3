import { MessageHandler } from '@nestjs/microservices';
import { SipsvcReply, SipsvcRequest } from '../contracts/sipsvc-message';
import { ReplyKind } from './handler-settlement';
import { ReplyWriter } from './reply-writer';
import { GateConnection, QueuedMessage, RequestGate } from './request-gate';
import { SipsvcCounters } from './sipsvc.counters';

/** a connection that records what is written to it */
class FakeConnection implements GateConnection {
  readonly connectionId = 1;
  readonly tag = '[SIPSVC|test]';
  readonly token = 'T';
  closed = false;
  closing = false;
  inputEnded = false;
  awaitingReplies = 0;
  lastActivityAt = 0;
  lastHeartbeatAt = 0;
  totalRequests = 0;
  readonly written: Record<string, unknown>[] = [];
  readonly texts: string[] = [];
  constructor(readonly authenticated: boolean) {}
  writeJson(json: string): void {
    this.texts.push(json);
    this.written.push(JSON.parse(json) as Record<string, unknown>);
  }
  endAfterWrite(): void {
    this.closing = true;
  }
}

const handler: MessageHandler = () => Promise.resolve({ result: 0, resultDesc: 'ok' });

/** a gate with execute and heartbeat handlers, a queue of `capacity`, and what reached them */
function gate(capacity = 10) {
  const counters = new SipsvcCounters();
  const writer = new ReplyWriter();
  const invoked: { cmd: string; kind: ReplyKind }[] = [];
  const queued: QueuedMessage<FakeConnection>[] = [];
  const handlers = new Map<string, MessageHandler | null>([
    ['auth', handler],
    ['heartbeat', handler],
    ['execute', handler],
  ]);
  const g = new RequestGate<FakeConnection>(
    {
      handlerFor: (cmd) => handlers.get(cmd),
      invoke: (_c, _r, _h, cmd, kind) => invoked.push({ cmd, kind }),
      offer: (m) => queued.length < capacity && queued.push(m) > 0,
      reply: (c, req: SipsvcRequest | undefined, r: SipsvcReply) => writer.write(c, req, r),
      now: () => 1000,
    },
    counters,
  );
  const send = (conn: FakeConnection, text: string): void => g.onFrame(conn, Buffer.from(text));
  return { send, counters, invoked, queued };
}

const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

describe('RequestGate', () => {
  it.each([
    ['seq before auth', false, `{"cmd":"x","seq":${deep(6000)}}`],
    ['reqNo on an unknown cmd', true, `{"cmd":"x","token":"T","reqNo":${deep(30000)}}`],
    ['reqNo on a heartbeat with a wrong token', true, `{"cmd":"heartBeat","reqNo":${deep(20000)}}`],
    ['cmd', false, `{"cmd":${deep(30000)},"reqNo":"R"}`],
  ])('a deeply nested %s is answered, not echoed, and does not throw', (_what, auth, text) => {
    const { send } = gate();
    const conn = new FakeConnection(auth);
    expect(() => send(conn, text)).not.toThrow();
    expect(conn.written).toHaveLength(1);
    const reply = conn.written[0];
    expect(typeof reply.result).toBe('number');
    expect(reply.result).not.toBe(0);
    for (const k of ['cmd', 'reqNo', 'seq']) {
      if (k in reply) expect(['string', 'number']).toContain(typeof reply[k]);
    }
  });

  it('echoes a reqNo or seq beyond 2^53 (or written otherwise than JavaScript prints it) as the client sent it', () => {
    const { send } = gate();
    const conn = new FakeConnection(true);
    send(
      conn,
      '{"cmd":"nope","token":"T","reqBody":{"reqNo":1},"reqNo" : 12345678901234567890,"seq":1.10}',
    );
    send(conn, '{"cmd":"nope","token":"T","reqNo":9007199254740993,"seq":"001"}');
    send(conn, '{"cmd":"nope","token":"T","reqNo":42,"seq":7}');
    expect(conn.texts[0]).toMatch(
      /^\{"cmd":"nope","reqNo":12345678901234567890,"seq":1\.10,"result":1,/,
    );
    expect(conn.texts[1]).toMatch(/^\{"cmd":"nope","reqNo":9007199254740993,"seq":"001",/);
    expect(conn.texts[2]).toMatch(/^\{"cmd":"nope","reqNo":42,"seq":7,/);
  });

  it('a message pipelined behind an auth still in flight is refused, and the auth answer still goes out before the close', () => {
    const { send, invoked } = gate();
    const conn = new FakeConnection(false);
    send(conn, '{"cmd":"auth","reqNo":"A"}');
    expect(invoked).toEqual([{ cmd: 'auth', kind: ReplyKind.AUTH }]);
    send(conn, '{"cmd":"execute","reqNo":"E"}');
    expect(conn.written).toEqual([expect.objectContaining({ reqNo: 'E', result: 2 })]);
    // not closed yet: the auth answer (awaitingReplies 1) is written first, then the settlement
    // closes the connection because its input has ended
    expect(conn.closing).toBe(false);
    expect(conn.inputEnded).toBe(true);
    send(conn, '{"cmd":"execute","reqNo":"E2"}');
    expect(conn.written).toHaveLength(1);
  });

  it('a message before any auth is refused and the connection closes at once', () => {
    const { send } = gate();
    const conn = new FakeConnection(false);
    send(conn, '{"cmd":"execute","reqNo":"E"}');
    expect(conn.written).toEqual([expect.objectContaining({ reqNo: 'E', result: 2 })]);
    expect(conn.closing).toBe(true);
  });

  it('echoes string and number reqNo/seq, and cmd as received', () => {
    const { send } = gate();
    const conn = new FakeConnection(true);
    send(conn, '{"cmd":"Nope","token":"T","reqNo":42,"seq":"007"}');
    expect(conn.written[0]).toEqual({
      cmd: 'Nope',
      reqNo: 42,
      seq: '007',
      result: 1,
      resultDesc: 'Unknown cmd: Nope',
    });
  });

  it('before auth, anything but auth is refused with 2 and the connection closes', () => {
    const { send, queued } = gate();
    const conn = new FakeConnection(false);
    send(conn, '{"cmd":"execute","token":"T"}');
    expect(conn.written[0]).toMatchObject({ result: 2, resultDesc: 'Not authenticated' });
    expect(conn.closing).toBe(true);
    expect(queued).toHaveLength(0);
  });

  it('auth goes straight to its handler, counted, whatever the connection state', () => {
    const { send, invoked, counters } = gate();
    const conn = new FakeConnection(false);
    send(conn, '{"cmd":"AUTH"}');
    expect(invoked).toEqual([{ cmd: 'auth', kind: ReplyKind.AUTH }]);
    expect(counters.auth.attempts).toBe(1);
    expect(conn.awaitingReplies).toBe(1);
  });

  it('a heartbeat with a wrong token is answered 2 Invalid token and counted as a failure', () => {
    const { send, invoked, counters } = gate();
    const conn = new FakeConnection(true);
    send(conn, '{"cmd":"heartbeat","token":"X"}');
    expect(conn.written[0]).toMatchObject({ result: 2, resultDesc: 'Invalid token' });
    expect(counters.heartbeat).toEqual({ attempts: 1, success: 0, failure: 1 });
    expect(invoked).toEqual([]);
  });

  it('business messages are queued; a full queue answers 18 Server overloaded at once', () => {
    const { send, queued, counters } = gate(1);
    const conn = new FakeConnection(true);
    send(conn, '{"cmd":"execute","token":"T","reqNo":"1"}');
    send(conn, '{"cmd":"execute","token":"T","reqNo":"2"}');
    expect(queued.map((m) => m.req.reqNo)).toEqual(['1']);
    expect(conn.written).toEqual([
      {
        cmd: 'execute',
        reqNo: '2',
        result: 18,
        resultCode: 18,
        resultDesc: 'Server overloaded',
      },
    ]);
    expect(counters.queueRejections).toBe(1);
    expect(conn.awaitingReplies).toBe(1);
    expect(conn.lastActivityAt).toBe(1000);
    expect(conn.totalRequests).toBe(2);
  });

  it.each([
    ['reqNo', { reqNo: 'R\nforged line' }],
    ['reqNo', { reqNo: 'R\u0000' }],
    ['seq', { reqNo: 'R', seq: '001\u001b[2J' }],
    ['seq', { reqNo: 'R', seq: '\u0085' }],
  ])('a %s with a control character is answered 1 and reaches no handler', (field, fields) => {
    const { send, invoked, queued } = gate();
    const conn = new FakeConnection(true);
    send(conn, JSON.stringify({ cmd: 'execute', token: 'T', ...fields }));
    send(conn, JSON.stringify({ cmd: 'auth', ...fields }));
    expect(conn.written.map((w) => [w.result, w.resultDesc])).toEqual([
      [1, `Invalid field: ${field} has a control character or invalid UTF-8`],
      [1, `Invalid field: ${field} has a control character or invalid UTF-8`],
    ]);
    expect([invoked, queued]).toEqual([[], []]);
    expect(conn.closing).toBe(false);
  });

  it('clean text, numbers and absent reqNo/seq pass', () => {
    const { send, queued } = gate();
    const conn = new FakeConnection(true);
    for (const fields of [{ reqNo: 'R 1\u00e9\u4e2d', seq: 7 }, {}, { reqNo: 12 }])
      send(conn, JSON.stringify({ cmd: 'execute', token: 'T', ...fields }));
    expect(queued).toHaveLength(3);
  });

  it('nothing is read after the client half-closed or the connection is closing', () => {
    const { send, queued } = gate();
    const conn = new FakeConnection(true);
    conn.inputEnded = true;
    send(conn, '{"cmd":"execute","token":"T"}');
    expect(queued).toHaveLength(0);
    expect(conn.written).toHaveLength(0);
  });
});
