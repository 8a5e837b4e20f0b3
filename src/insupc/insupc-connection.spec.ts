import { Logger } from '@nestjs/common';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import {
  encodeDbAccessResponse,
  encodeDbNettestResponse,
  encodeDbQueryResponse,
  encodeDbStatusRequest,
  encodeFrame,
  MessageHeader,
  MsgCode,
  ResultCode,
} from '../../libs/insupc-protocol/src';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import { FakeInsupcSocket as FakeSocket } from './testing/fake-insupc-socket';
import { InsupcClientConfig } from '../config/config.schema';
import { newInsupcServerCounters } from '../statistics/statistics.counters';
import { ConnectionState } from './connection-state';
import { InsupcConnection } from './insupc-connection';
import { InsupcAnswer, InsupcQueryError } from './insupc-query.port';
import { InsupcServerPool } from './insupc-server-pool';

const SESSION = 'INSUP_SESSION_001';

function setup(overrides: Partial<InsupcClientConfig> = {}) {
  const cfg = Object.assign(new InsupcClientConfig(), {
    name: 'INSUPC-1',
    host: '127.0.0.1',
    port: 19000,
    connectTimeout: 300,
    readTimeout: 1000,
    retryInterval: 100,
    heartbeatInterval: 200,
    heartbeatTimeout: 100,
    heartbeatMaxMisses: 3,
    ...overrides,
  });
  const counters = newInsupcServerCounters();
  const availability: [string, number][] = [];
  const pool = new InsupcServerPool(cfg, counters, (name, n) => availability.push([name, n]));
  const sockets: FakeSocket[] = [];
  const scheduler = new FakeScheduler();
  const logging = { insupcFrames: false };
  const conn = new InsupcConnection(
    pool,
    {
      sessionId: SESSION,
      asId: 100,
      logon: { systemName: 'AMAS-SES1', logonId: 'insupclient', password: 'pw' },
      maxFrameBytes: 4096,
    },
    {
      connector: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s as unknown as Socket;
      },
      scheduler,
      logging,
    },
  );
  pool.add(conn);
  const socket = () => sockets[sockets.length - 1];
  const h = (transactionId: number) => ({ asId: 100, transactionId, sessionId: SESSION });
  /** connects and logs on with `status`. */
  const logon = (status: 'MA' | 'MB' | 'DA' = 'MA') => {
    conn.start();
    socket().accept();
    const req = socket().last(MsgCode.DB_ACCESS_REQUEST);
    socket().receive(encodeDbAccessResponse(h(req.transactionId), ResultCode.SUCCESS, status));
  };
  /** fake time forward, then the socket's close events (process.nextTick) and promises. */
  const advance = async (ms: number) => {
    scheduler.advance(ms);
    await flush();
  };
  return {
    conn,
    pool,
    counters,
    sockets,
    socket,
    h,
    logon,
    scheduler,
    advance,
    availability,
    logging,
  };
}

/** a frame with any MSG_CODE, as a broken server might send. */
function encodeFrameWithCode(msgCode: number, h: Omit<MessageHeader, 'svcId'>): Buffer {
  return encodeFrame({ ...h, msgCode, svca: 0xa2, dvca: 0x11, result: 0, svcId: '0001' });
}

/** lets process.nextTick / promise callbacks run. */
const flush = () => new Promise<void>((r) => setImmediate(r));

/** a query through the connection, as the transport sends it. */
function query(conn: InsupcConnection, api: string, params: string[]): Promise<InsupcAnswer> {
  return new Promise((resolve, reject) => conn.send(api, params, { resolve, reject, sentAt: 0 }));
}

describe('InsupcConnection', () => {
  let logs: string[];
  beforeEach(() => {
    logs = [];
    for (const level of ['log', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        logs.push(String(args[0]));
      });
    }
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('logs on with DB_ACCESS_REQUEST first and becomes READY with the reported status', () => {
    const { conn, pool, socket, logon } = setup();
    logon('MA');
    const req = socket().frames[0];
    expect(req.msgCode).toBe(MsgCode.DB_ACCESS_REQUEST);
    expect(req.sessionId).toBe(SESSION);
    expect(req.svcId).toBe('0001');
    expect(req.asId).toBe(100);
    expect(conn.state).toBe(ConnectionState.READY);
    expect(pool.dbStatus).toBe('MA');
    expect(pool.isRoutable()).toBe(true);
    expect(logs.some((l) => l.startsWith('TCP_CONNECTION: '))).toBe(true);
  });

  it('a denied logon logs INSUPC_LOGON_FAILED: result=0x20, closes and retries after retry-interval', async () => {
    const { conn, counters, socket, sockets, h, advance } = setup();
    conn.start();
    socket().accept();
    socket().receive(encodeDbAccessResponse(h(1), ResultCode.LOGIN_DENIED, 'MA'));
    await flush();
    expect(logs.some((l) => l.startsWith('INSUPC_LOGON_FAILED: result=0x20'))).toBe(true);
    expect(logs.some((l) => l.startsWith('Reconnection triggered'))).toBe(true);
    expect(counters.logonFailures).toBe(1);
    expect(conn.state).toBe(ConnectionState.CLOSED);
    await advance(99);
    expect(sockets).toHaveLength(1);
    await advance(1);
    expect(sockets).toHaveLength(2);
    expect(conn.state).toBe(ConnectionState.CONNECTING);
  });

  it('sends a heartbeat every heartbeat-interval and takes DB_STATUS from its answer', async () => {
    const { pool, socket, logon, h, advance } = setup();
    logon('MA');
    for (let i = 1; i <= 3; i++) {
      await advance(200);
      expect(socket().count(MsgCode.DB_NETTEST_REQUEST)).toBe(i);
      const hb = socket().last(MsgCode.DB_NETTEST_REQUEST);
      socket().receive(encodeDbNettestResponse(h(hb.transactionId), i === 3 ? 'MB' : 'MA'));
    }
    expect(pool.dbStatus).toBe('MB');
    expect(pool.isRoutable()).toBe(false);
    expect(logs).toContain('[INSUPC|INSUPC-1] DB Status changed | old: MA, new: MB');
  });

  it('closes after heartbeat-max-misses unanswered heartbeats, then reconnects', async () => {
    const { conn, socket, sockets, logon, advance } = setup({ readTimeout: 100000 });
    logon();
    // heartbeats at 200, 400, 600; each unanswered 100 ms later → third miss at 700
    await advance(699);
    expect(conn.state).toBe(ConnectionState.READY);
    await advance(1);
    await flush();
    expect(socket().destroyed).toBe(true);
    expect(conn.state).toBe(ConnectionState.CLOSED);
    await advance(100);
    expect(sockets).toHaveLength(2);
  });

  it('a silent server is closed after read-timeout (ReadTimeout detected) even while logging on', async () => {
    const { conn, socket, sockets, advance } = setup({ readTimeout: 500 });
    conn.start();
    socket().accept();
    await advance(499);
    expect(conn.state).toBe(ConnectionState.LOGGING_ON);
    await advance(1);
    await flush();
    expect(logs.some((l) => l.startsWith('ReadTimeout detected'))).toBe(true);
    expect(conn.state).toBe(ConnectionState.CLOSED);
    await advance(100);
    expect(sockets).toHaveLength(2);
  });

  it('frames arriving keep the read-timeout from firing', async () => {
    const { conn, socket, logon, h, advance } = setup({ readTimeout: 500, heartbeatInterval: 300 });
    logon();
    for (let t = 0; t < 6; t++) {
      await advance(300);
      socket().receive(
        encodeDbNettestResponse(h(socket().last(MsgCode.DB_NETTEST_REQUEST).transactionId), 'MA'),
      );
    }
    expect(conn.state).toBe(ConnectionState.READY);
  });

  it('a connect that does not complete within connect-timeout is abandoned and retried', async () => {
    const { conn, socket, sockets, advance } = setup();
    conn.start();
    await advance(300);
    await flush();
    expect(socket().destroyed).toBe(true);
    await advance(100);
    expect(sockets).toHaveLength(2);
  });

  it('answers DB_STATUS_REQUEST with DB_STATUS_RESPONSE 0x01 and the same TRANSACTION_ID', () => {
    const { pool, socket, logon, h } = setup();
    logon('MA');
    socket().receive(encodeDbStatusRequest(h(0xabcdef), 'MB'));
    const res = socket().last(MsgCode.DB_STATUS_RESPONSE);
    expect(res.transactionId).toBe(0xabcdef);
    expect(res.result).toBe(ResultCode.SUCCESS);
    expect(pool.dbStatus).toBe('MB');
    expect(logs).toEqual(
      expect.arrayContaining([
        `INSUPC_STATUS_NOTIFICATION: session=${SESSION}, newStatus=MB`,
        '[INSUPC|INSUPC-1] DB Status changed | old: MA, new: MB',
        `DB_STATUS_RESPONSE sent: session=${SESSION}, result=0x01`,
      ]),
    );
  });

  it('correlates answers by TRANSACTION_ID, counts results and drops unmatched answers', async () => {
    const { conn, counters, socket, logon, h } = setup();
    logon();
    const a = query(conn, 'mcidGetProfile', ['01012345678']);
    const b = query(conn, 'mcidGetProfile', ['01099999999']);
    const [fa, fb] = socket().frames.filter((f) => f.msgCode === MsgCode.DB_QUERY_REQUEST);
    expect(fa.paramStrings(2)).toEqual(['01012345678']);
    socket().receive(
      encodeDbQueryResponse(h(fb.transactionId), ResultCode.QUERY_ERROR, { errorText: 'x' }),
    );
    socket().receive(
      encodeDbQueryResponse(h(fa.transactionId), ResultCode.SUCCESS, { sqlOutput: '{"a":1}' }),
    );
    socket().receive(encodeDbQueryResponse(h(424242), ResultCode.SUCCESS));
    await expect(a).resolves.toEqual({
      server: 'INSUPC-1',
      result: 1,
      sqlOutput: '{"a":1}',
      errorText: undefined,
    });
    await expect(b).resolves.toMatchObject({ result: 0x10, errorText: 'x' });
    expect(counters).toMatchObject({
      requests: 2,
      success: 1,
      failure: 1,
      failureByResult: { '0x10': 1 },
      unmatchedResponses: 1,
    });
  });

  it('fails every request in flight with CONNECTION_LOST the moment the connection drops', async () => {
    const { conn, pool, counters, socket, logon } = setup();
    logon();
    const inflight = Promise.allSettled([query(conn, 'a', []), query(conn, 'b', [])]);
    socket().destroy();
    await flush();
    for (const r of await inflight) {
      expect(r).toMatchObject({
        status: 'rejected',
        reason: { code: 'CONNECTION_LOST', server: 'INSUPC-1' },
      });
    }
    expect(counters.connectionLosses).toBe(1);
    expect(pool.hasRoutableConnection()).toBe(false);
  });

  it('counts a re-logon after a loss as a reconnect', async () => {
    const { conn, counters, socket, h, advance } = setup();
    conn.start();
    socket().accept();
    socket().receive(encodeDbAccessResponse(h(1), ResultCode.SUCCESS, 'MA'));
    socket().destroy();
    await flush();
    await advance(100);
    socket().accept();
    socket().receive(
      encodeDbAccessResponse(h(socket().last(MsgCode.DB_ACCESS_REQUEST).transactionId), 1, 'MA'),
    );
    expect(conn.state).toBe(ConnectionState.READY);
    expect(counters.reconnects).toBe(1);
  });

  it('expire() fails only old requests with TIMEOUT and counts them', async () => {
    const { conn, counters, logon, advance, scheduler } = setup();
    logon();
    const old = query(conn, 'a', []);
    await advance(50);
    const fresh = query(conn, 'b', []);
    expect(conn.expire(scheduler.now() - 10)).toBe(1);
    await expect(old).rejects.toBeInstanceOf(InsupcQueryError);
    await expect(old).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(counters.timeouts).toBe(1);
    expect(conn.pending.size).toBe(1);
    void fresh.catch(() => undefined);
    await conn.stop();
  });

  it('stop() sends DB_RELEASE_REQUEST, ends the socket and never reconnects', async () => {
    const { conn, socket, sockets, logon, advance } = setup();
    logon();
    const pending = query(conn, 'a', []);
    const stopped = conn.stop();
    expect(socket().last(MsgCode.DB_RELEASE_REQUEST).sessionId).toBe(SESSION);
    expect(socket().ended).toBe(true);
    await expect(pending).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    await stopped;
    await advance(10000);
    expect(sockets).toHaveLength(1);
    expect(conn.state).toBe(ConnectionState.STOPPED);
  });

  it('a protocol violation (MSG_LEN < 62) closes the connection', async () => {
    const { conn, socket, logon } = setup();
    logon();
    const bad = Buffer.alloc(8);
    bad.writeUInt32LE(10, 0);
    socket().receive(bad);
    await flush();
    expect(conn.state).toBe(ConnectionState.CLOSED);
    expect(logs.some((l) => l.includes('protocol violation (FRAME_TOO_SHORT)'))).toBe(true);
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
            conn.send('api', [String(i)], { resolve: settle, reject: settle, sentAt: 0 });
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
    expect(logs.filter((l) => l.includes('DB Status changed'))).toEqual([
      '[INSUPC|INSUPC-1] DB Status changed | old: MA, new: MB',
      '[INSUPC|INSUPC-1] DB Status changed | old: MB, new: MA',
    ]);
    expect(logs.length).toBeLessThan(30);
    for (let i = 0; i < 1000; i++) socket().receive(encodeFrameWithCode(0x42, h(i)));
    expect(logs.filter((l) => l.includes('ignoring unexpected UNKNOWN(0x42)')).length).toBe(1);
  });
});
