import {
  encodeDbAccessResponse,
  encodeDbNettestResponse,
  encodeDbQueryResponse,
  encodeDbStatusRequest,
  MsgCode,
  ResultCode,
} from '../../libs/insupc-protocol/src';
import { ConnectionState } from './connection-state';
import { InsupcCounters } from './insupc.counters';
import { InsupcQueryError } from '../contracts/insupc-query.port';
import { STOP_GRACE_MS } from './reconnecting-socket';
import { captureLogs, flush, query, SESSION, setup } from './testing/connection-harness';
import { NOT_ROUTABLE } from './db-status';
import { InsupcRouter } from './insupc-router';
import type { InsupcServerPool } from './insupc-server-pool';

const routable = (pool: InsupcServerPool): boolean =>
  new InsupcRouter([pool]).tierOf(pool, 0) !== NOT_ROUTABLE;

describe('InsupcConnection', () => {
  let logs: string[];
  beforeEach(() => (logs = captureLogs()));
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
    expect(routable(pool)).toBe(true);
    expect(logs.some((l) => l.startsWith('TCP_CONNECTION: '))).toBe(true);
  });

  it('a logon that cannot be encoded fails the connection, naming the field, never the value', async () => {
    const password = 'Zq9-LEAK-CANARY-77x';
    const { conn, socket } = setup({}, { systemName: 'S', logonId: 'L', password });
    conn.start();
    socket().accept();
    await flush();
    expect(socket().destroyed).toBe(true);
    expect(conn.state).toBe(ConnectionState.CLOSED);
    expect(logs).toContainEqual(
      expect.stringContaining('DB_ACCESS_REQUEST not encodable: PASSWORD'),
    );
    expect(logs.join('\n')).not.toContain('LEAK');
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
    expect(routable(pool)).toBe(false);
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

  it('an answer to a query sent before a reset counts in the period of its query (never success > requests)', async () => {
    const { conn, counters, socket, logon, h } = setup();
    const stats = new InsupcCounters();
    logon();
    const old = query(conn, 'mcidGetProfile', ['1']);
    const [before] = socket().frames.filter((f) => f.msgCode === MsgCode.DB_QUERY_REQUEST);
    // /stat/init while it is in flight: the harness's counters stand for the set's entry
    Object.assign(stats.server('INSUPC-1'), counters);
    stats.reset();
    Object.assign(counters, stats.server('INSUPC-1'));
    const fresh = query(conn, 'mcidGetProfile', ['2']);
    const [, after] = socket().frames.filter((f) => f.msgCode === MsgCode.DB_QUERY_REQUEST);
    socket().receive(encodeDbQueryResponse(h(before.transactionId), ResultCode.SUCCESS));
    socket().receive(
      encodeDbQueryResponse(h(after.transactionId), ResultCode.QUERY_ERROR, { errorText: 'x' }),
    );
    await expect(old).resolves.toMatchObject({ result: ResultCode.SUCCESS });
    await expect(fresh).resolves.toMatchObject({ result: 0x10 });
    expect(counters).toMatchObject({ requests: 1, success: 0, failure: 1, epoch: 1 });
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

  it('stop() destroys the socket after the grace period when the peer does not close', async () => {
    const { conn, socket, logon, advance } = setup();
    logon();
    socket().peerClosesOnEnd = false;
    let done = false;
    void conn.stop().then(() => (done = true));
    await advance(STOP_GRACE_MS - 1);
    expect(socket().destroyed).toBe(false);
    expect(done).toBe(false);
    await advance(1);
    expect(socket().destroyed).toBe(true);
    expect(done).toBe(true);
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
});
