import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import {
  encodeDbAccessResponse,
  encodeDbNettestResponse,
  encodeDbQueryResponse,
  encodeDbStatusRequest,
  Frame,
  FrameDecoder,
  MsgCode,
  ResultCode,
} from '../../libs/insupc-protocol/src';
import { InsupcClientConfig } from '../config/config.schema';
import { newInsupcServerCounters } from './insupc.counters';
import { ConnectionState } from './connection-state';
import { InsupcConnection } from './insupc-connection';
import { InsupcQueryError } from '../contracts/insupc-query.port';
import { InsupcServerPool } from './insupc-server-pool';

/** A socket double: records what the connection writes, lets the test play the server. */
class FakeSocket extends EventEmitter {
  readonly frames: Frame[] = [];
  destroyed = false;
  ended = false;
  private readonly decoder = new FrameDecoder({ onFrame: (f) => this.frames.push(f) });

  setNoDelay(): this {
    return this;
  }
  /** writes are recorded at once; corking only batches syscalls on a real socket. */
  cork(): void {}
  uncork(): void {}
  write(buf: Buffer): boolean {
    expect(this.decoder.push(Buffer.from(buf))).toBeUndefined();
    return true;
  }
  /** the peer closes its side too, as a real server does after DB_RELEASE_REQUEST. */
  end(): this {
    this.ended = true;
    return this.destroy();
  }
  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      process.nextTick(() => this.emit('close'));
    }
    return this;
  }
  /** the server accepts the TCP connection. */
  accept(): void {
    this.emit('connect');
  }
  receive(buf: Buffer): void {
    this.emit('data', buf);
  }
  last(code: MsgCode): Frame {
    const f = [...this.frames].reverse().find((x) => x.msgCode === code);
    if (!f) throw new Error(`no frame ${code} written`);
    return f;
  }
  count(code: MsgCode): number {
    return this.frames.filter((f) => f.msgCode === code).length;
  }
}

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
  const pool = new InsupcServerPool(cfg, counters);
  const sockets: FakeSocket[] = [];
  const conn = new InsupcConnection(
    pool,
    {
      sessionId: SESSION,
      asId: 100,
      logon: { systemName: 'AMAS-SES1', logonId: 'insupclient', password: 'pw' },
      maxFrameBytes: 4096,
    },
    () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s as unknown as Socket;
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
  return { conn, pool, counters, sockets, socket, h, logon };
}

/** lets process.nextTick / promise callbacks run under fake timers. */
const flush = () => jest.advanceTimersByTimeAsync(0);

describe('InsupcConnection', () => {
  let logs: string[];
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    logs = [];
    for (const level of ['log', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        logs.push(String(args[0]));
      });
    }
  });
  afterEach(() => {
    jest.useRealTimers();
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
    const { conn, counters, socket, sockets, h } = setup();
    conn.start();
    socket().accept();
    socket().receive(encodeDbAccessResponse(h(1), ResultCode.LOGIN_DENIED, 'MA'));
    await flush();
    expect(logs.some((l) => l.startsWith('INSUPC_LOGON_FAILED: result=0x20'))).toBe(true);
    expect(logs.some((l) => l.startsWith('Reconnection triggered'))).toBe(true);
    expect(counters.logonFailures).toBe(1);
    expect(conn.state).toBe(ConnectionState.CLOSED);
    await jest.advanceTimersByTimeAsync(99);
    expect(sockets).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    expect(conn.state).toBe(ConnectionState.CONNECTING);
  });

  it('sends a heartbeat every heartbeat-interval and takes DB_STATUS from its answer', async () => {
    const { pool, socket, logon, h } = setup();
    logon('MA');
    for (let i = 1; i <= 3; i++) {
      await jest.advanceTimersByTimeAsync(200);
      expect(socket().count(MsgCode.DB_NETTEST_REQUEST)).toBe(i);
      const hb = socket().last(MsgCode.DB_NETTEST_REQUEST);
      socket().receive(encodeDbNettestResponse(h(hb.transactionId), i === 3 ? 'MB' : 'MA'));
    }
    expect(pool.dbStatus).toBe('MB');
    expect(pool.isRoutable()).toBe(false);
    expect(logs).toContain('[INSUPC|INSUPC-1] DB Status changed | old: MA, new: MB');
  });

  it('closes after heartbeat-max-misses unanswered heartbeats, then reconnects', async () => {
    const { conn, socket, sockets, logon } = setup({ readTimeout: 100000 });
    logon();
    // heartbeats at 200, 400, 600; each unanswered 100 ms later → third miss at 700
    await jest.advanceTimersByTimeAsync(699);
    expect(conn.state).toBe(ConnectionState.READY);
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(socket().destroyed).toBe(true);
    expect(conn.state).toBe(ConnectionState.CLOSED);
    await jest.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
  });

  it('a silent server is closed after read-timeout (ReadTimeout detected) even while logging on', async () => {
    const { conn, socket, sockets } = setup({ readTimeout: 500 });
    conn.start();
    socket().accept();
    await jest.advanceTimersByTimeAsync(499);
    expect(conn.state).toBe(ConnectionState.LOGGING_ON);
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(logs.some((l) => l.startsWith('ReadTimeout detected'))).toBe(true);
    expect(conn.state).toBe(ConnectionState.CLOSED);
    await jest.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
  });

  it('frames arriving keep the read-timeout from firing', async () => {
    const { conn, socket, logon, h } = setup({ readTimeout: 500, heartbeatInterval: 300 });
    logon();
    for (let t = 0; t < 6; t++) {
      await jest.advanceTimersByTimeAsync(300);
      socket().receive(
        encodeDbNettestResponse(h(socket().last(MsgCode.DB_NETTEST_REQUEST).transactionId), 'MA'),
      );
    }
    expect(conn.state).toBe(ConnectionState.READY);
  });

  it('a connect that does not complete within connect-timeout is abandoned and retried', async () => {
    const { conn, socket, sockets } = setup();
    conn.start();
    await jest.advanceTimersByTimeAsync(300);
    await flush();
    expect(socket().destroyed).toBe(true);
    await jest.advanceTimersByTimeAsync(100);
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
    const a = conn.query('mcidGetProfile', ['01012345678']);
    const b = conn.query('mcidGetProfile', ['01099999999']);
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
    const inflight = Promise.allSettled([conn.query('a', []), conn.query('b', [])]);
    socket().destroy();
    await flush();
    for (const r of await inflight) {
      expect(r).toMatchObject({
        status: 'rejected',
        reason: { code: 'CONNECTION_LOST', server: 'INSUPC-1' },
      });
    }
    expect(counters.connectionLosses).toBe(1);
    expect(pool.hasReadyConnection()).toBe(false);
  });

  it('counts a re-logon after a loss as a reconnect', async () => {
    const { conn, counters, socket, h } = setup();
    conn.start();
    socket().accept();
    socket().receive(encodeDbAccessResponse(h(1), ResultCode.SUCCESS, 'MA'));
    socket().destroy();
    await flush();
    await jest.advanceTimersByTimeAsync(100);
    socket().accept();
    socket().receive(
      encodeDbAccessResponse(h(socket().last(MsgCode.DB_ACCESS_REQUEST).transactionId), 1, 'MA'),
    );
    expect(conn.state).toBe(ConnectionState.READY);
    expect(counters.reconnects).toBe(1);
  });

  it('expire() fails only old requests with TIMEOUT and counts them', async () => {
    const { conn, counters, logon } = setup();
    logon();
    const old = conn.query('a', []);
    await jest.advanceTimersByTimeAsync(50);
    const fresh = conn.query('b', []);
    expect(conn.expire(Date.now() - 10)).toBe(1);
    await expect(old).rejects.toBeInstanceOf(InsupcQueryError);
    await expect(old).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(counters.timeouts).toBe(1);
    expect(conn.pending.size).toBe(1);
    void fresh.catch(() => undefined);
    await conn.stop();
  });

  it('stop() sends DB_RELEASE_REQUEST, ends the socket and never reconnects', async () => {
    const { conn, socket, sockets, logon } = setup();
    logon();
    const pending = conn.query('a', []);
    const stopped = conn.stop();
    expect(socket().last(MsgCode.DB_RELEASE_REQUEST).sessionId).toBe(SESSION);
    expect(socket().ended).toBe(true);
    await expect(pending).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    await stopped;
    await jest.advanceTimersByTimeAsync(10000);
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

  it('property: arbitrary bytes from the server never throw and never leave a request unanswered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        async (chunks) => {
          const { conn, socket, logon } = setup();
          logon();
          const outcome = conn.query('api', ['x']).then(
            () => 'answered',
            (e: InsupcQueryError) => e.code,
          );
          for (const c of chunks) socket().receive(Buffer.from(c));
          await flush();
          // either still waiting on a live connection, or settled
          const stillOpen = conn.state === ConnectionState.READY && conn.pending.size === 1;
          await conn.stop();
          await flush();
          const result = await outcome;
          if (!stillOpen) expect(['answered', 'CONNECTION_LOST']).toContain(result);
          expect(conn.pending.size).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
