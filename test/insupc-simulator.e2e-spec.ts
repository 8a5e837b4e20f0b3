import {
  MsgCode,
  ParamType,
  ResultCode,
  encodeDbNettestRequest,
  encodeDbQueryRequest,
  readDbStatus,
  readErrorText,
  readSqlOutput,
} from '../libs/insupc-protocol/src';
import { startSimulator, type InsupcSimulator } from '../apps/insupc-simulator/src';
import { InsupcRawClient } from './support/insupc-raw-client';
import { waitFor } from './support/wait-for';

describe('INSUPC simulator (e2e over real sockets)', () => {
  let sim: InsupcSimulator;
  let base: string;
  const clients: InsupcRawClient[] = [];

  async function client(instance = 'INSUPC-1'): Promise<InsupcRawClient> {
    const c = await InsupcRawClient.connect(sim.port(instance));
    clients.push(c);
    return c;
  }

  // Control API answers are inspected loosely, field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = Record<string, any>;

  async function api(method: 'GET' | 'POST', path: string, body?: unknown) {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  beforeAll(async () => {
    sim = await startSimulator({
      instances: [
        { name: 'INSUPC-1', dbStatus: 'MA' },
        { name: 'INSUPC-2', dbStatus: 'DA' },
      ],
      http: { enabled: true, port: 0 },
      apis: { known: ['mcidGetProfile'], noDataPrefix: 'noData' },
      logger: false,
    });
    base = `http://127.0.0.1:${sim.httpPort}`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    sim.update({
      scenario: 'default',
      responseDelayMs: 0,
      push: false,
      dbStatus: { 'INSUPC-1': 'MA', 'INSUPC-2': 'DA' },
    });
    sim.update({ instances: { 'INSUPC-1': { scenario: null }, 'INSUPC-2': { scenario: null } } });
    sim.resetStats();
  });

  afterAll(() => sim.stop());

  describe('default scenario', () => {
    it('answers LOGON with RESULT 0x01 and the instance dbStatus, echoing the header', async () => {
      const c = await client();
      const res = await c.logon();
      expect(res.result).toBe(ResultCode.SUCCESS);
      expect(readDbStatus(res)).toBe('MA');
      expect([res.asId, res.sessionId, res.svcId]).toEqual([100, 'INSUP_SESSION_001', '0001']);

      const other = await client('INSUPC-2');
      expect(readDbStatus(await other.logon())).toBe('DA');
    });

    it('answers heartbeats with the current dbStatus', async () => {
      const c = await client();
      await c.logon();
      const pong = await c.heartbeat();
      expect([pong.result, readDbStatus(pong)]).toEqual([ResultCode.SUCCESS, 'MA']);
    });

    it('answers queries with SQL_OUTPUT JSON built from API_NAME and INPUT_PARAMs', async () => {
      const c = await client();
      await c.logon();
      const res = await c.query('anyApiAtAll', ['01012345678', 'x']);
      expect(res.result).toBe(ResultCode.SUCCESS);
      expect(JSON.parse(readSqlOutput(res)!)).toEqual({
        apiName: 'anyApiAtAll',
        inputParams: ['01012345678', 'x'],
        result: 'OK',
        server: 'INSUPC-1',
      });
    });

    it('answers NO_DATA for the noData prefix, INVALID_PARAM without API_NAME', async () => {
      const c = await client();
      await c.logon();
      const none = await c.query('noDataApi', ['1']);
      expect([none.result, readSqlOutput(none)]).toEqual([ResultCode.NO_DATA, undefined]);

      const tid = c.tid();
      const bad = encodeDbNettestRequest({ ...c.header, transactionId: tid });
      bad[4] = MsgCode.DB_QUERY_REQUEST; // a query with no parameters at all
      c.write(bad);
      const res = await c.response(MsgCode.DB_QUERY_RESPONSE, tid);
      expect([res.result, readErrorText(res)]).toEqual([
        ResultCode.INVALID_PARAM,
        'missing API_NAME',
      ]);
    });

    it('refuses queries before LOGON with RESULT 0x20', async () => {
      const c = await client();
      const res = await c.query('mcidGetProfile', ['1']);
      expect([res.result, readErrorText(res)]).toEqual([ResultCode.LOGIN_DENIED, 'not logged on']);
    });

    it('answers many pipelined queries, each with its own TRANSACTION_ID', async () => {
      const c = await client();
      await c.logon();
      const tids = Array.from({ length: 500 }, (_, i) =>
        c.sendQuery('mcidGetProfile', [String(i)]),
      );
      const answers = await Promise.all(tids.map((t) => c.response(MsgCode.DB_QUERY_RESPONSE, t)));
      answers.forEach((a, i) =>
        expect(JSON.parse(readSqlOutput(a)!).inputParams).toEqual([String(i)]),
      );
    });

    it('counts DB_RELEASE and keeps serving other connections', async () => {
      const c = await client();
      await c.logon();
      c.release();
      await waitFor(
        () => sim.received('INSUPC-1', MsgCode.DB_RELEASE_REQUEST) === 1,
        2000,
        'release',
      );
      expect(c.closed).toBe(false);
    });
  });

  it('logon_failure: LOGON answered with RESULT 0x20', async () => {
    sim.setScenario('logon_failure');
    const c = await client();
    const res = await c.logon();
    expect(res.result).toBe(ResultCode.LOGIN_DENIED);
    expect(readErrorText(res)).toBe('login denied');
  });

  it('no_response: TCP stays up, nothing is answered', async () => {
    sim.setScenario('no_response');
    const c = await client();
    c.write(encodeDbNettestRequest({ ...c.header, transactionId: 99 }));
    c.sendLogon();
    c.sendQuery('mcidGetProfile', ['1']);
    await waitFor(() => sim.received('INSUPC-1', MsgCode.DB_QUERY_REQUEST) === 1, 2000, 'query');
    // TCP keeps order: once a later frame is answered, any answer to the earlier ones would be here.
    sim.setScenario('default');
    await c.heartbeat();
    expect(c.frames.map((f) => f.msgCode)).toEqual([MsgCode.DB_NETTEST_RESPONSE]);
    expect(c.closed).toBe(false);
  });

  it('query_no_response: LOGON and heartbeats answered, queries not', async () => {
    sim.setScenario('query_no_response');
    const c = await client();
    expect((await c.logon()).result).toBe(ResultCode.SUCCESS);
    c.sendQuery('mcidGetProfile', ['1']);
    await c.heartbeat();
    expect(c.received(MsgCode.DB_QUERY_RESPONSE)).toHaveLength(0);
    expect(sim.received('INSUPC-1', MsgCode.DB_QUERY_REQUEST)).toBe(1);
  });

  it('query_error: unknown API names get RESULT 0x10 with ERROR_TEXT, known ones succeed', async () => {
    sim.setScenario('query_error');
    const c = await client();
    await c.logon();
    const err = await c.query('noSuchApi', ['1']);
    expect([err.result, readErrorText(err)]).toEqual([
      ResultCode.QUERY_ERROR,
      'unknown API: noSuchApi',
    ]);
    expect((await c.query('mcidGetProfile', ['1'])).result).toBe(ResultCode.SUCCESS);
  });

  it('server_busy: queries answered with RESULT 0x30', async () => {
    sim.setScenario('server_busy');
    const c = await client();
    await c.logon();
    expect((await c.query('mcidGetProfile')).result).toBe(ResultCode.SERVER_BUSY);
  });

  it('a per-instance scenario override leaves the other instance alone', async () => {
    await api('POST', '/api/simulator/config', {
      instances: { 'INSUPC-2': { scenario: 'query_error' } },
    });
    const one = await client('INSUPC-1');
    const two = await client('INSUPC-2');
    await Promise.all([one.logon(), two.logon()]);
    expect((await one.query('zzz')).result).toBe(ResultCode.SUCCESS);
    expect((await two.query('zzz')).result).toBe(ResultCode.QUERY_ERROR);
  });

  it('delays query answers by responseDelayMs, not heartbeats, keeping order', async () => {
    const { status } = await api('POST', '/api/simulator/config', { responseDelayMs: 150 });
    expect(status).toBe(200);
    const c = await client();
    await c.logon();
    const sent = Date.now();
    const tids = [c.sendQuery('a'), c.sendQuery('b')];
    const pong = await c.heartbeat();
    expect(c.received(MsgCode.DB_QUERY_RESPONSE)).toHaveLength(0);
    expect(pong.result).toBe(ResultCode.SUCCESS);
    await c.response(MsgCode.DB_QUERY_RESPONSE, tids[1]);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(145);
    expect(c.received(MsgCode.DB_QUERY_RESPONSE).map((f) => f.transactionId)).toEqual(tids);
  });

  it('pushes DB_STATUS_REQUEST when dbStatus changes over HTTP; heartbeats then report it', async () => {
    const c = await client('INSUPC-2');
    await c.logon();
    const { body } = await api('POST', '/api/simulator/config', { dbStatus: { 'INSUPC-2': 'MB' } });
    expect(body.instances.find((i: { name: string }) => i.name === 'INSUPC-2').dbStatus).toBe('MB');
    const push = await c.response(MsgCode.DB_STATUS_REQUEST);
    expect(readDbStatus(push)).toBe('MB');
    expect(push.sessionId).toBe('INSUP_SESSION_001');
    c.ackStatus(push);
    expect(readDbStatus(await c.heartbeat())).toBe('MB');
    await waitFor(() => sim.received('INSUPC-2', MsgCode.DB_STATUS_RESPONSE) === 1, 2000, 'ack');
  });

  it('POST /api/simulator/push-status sends the current (or given) status to logged-on clients', async () => {
    const c = await client();
    await c.logon();
    const notLoggedOn = await client();
    const { body } = await api('POST', '/api/simulator/push-status', {
      instance: 'INSUPC-1',
      dbStatus: 'MS',
    });
    expect(body).toEqual({ sent: 1 });
    expect(readDbStatus(await c.response(MsgCode.DB_STATUS_REQUEST))).toBe('MS');
    await notLoggedOn.heartbeat();
    expect(notLoggedOn.received(MsgCode.DB_STATUS_REQUEST)).toHaveLength(0);
  });

  it('POST /api/disconnect-clients closes connections; a new one is served', async () => {
    const c = await client();
    await c.logon();
    const { body } = await api('POST', '/api/disconnect-clients', { instance: 'INSUPC-1' });
    expect(body).toEqual({ disconnected: 1 });
    await waitFor(() => c.closed, 2000, 'close');
    const again = await client();
    expect((await again.logon()).result).toBe(ResultCode.SUCCESS);
  });

  it('GET /api/simulator/stats counts frames per message code per instance; reset zeroes them', async () => {
    const c = await client();
    await c.logon();
    await c.heartbeat();
    await c.query('mcidGetProfile');
    await c.query('mcidGetProfile');
    const { body } = await api('GET', '/api/simulator/stats');
    expect(body.instances['INSUPC-1']).toMatchObject({
      received: { DB_ACCESS_REQUEST: 1, DB_NETTEST_REQUEST: 1, DB_QUERY_REQUEST: 2 },
      sent: { DB_ACCESS_RESPONSE: 1, DB_NETTEST_RESPONSE: 1, DB_QUERY_RESPONSE: 2 },
      connections: 1,
    });
    expect(body.instances['INSUPC-2'].received).toEqual({});
    const reset = await api('POST', '/api/simulator/stats/reset');
    expect(reset.body.instances['INSUPC-1'].received).toEqual({});
  });

  it('GET /api/simulator/config shows scenarios and instances; bad input gets 4xx', async () => {
    const { body } = await api('GET', '/api/simulator/config');
    expect(body.activeScenario).toBe('default');
    expect(Object.keys(body.scenarios)).toEqual(
      expect.arrayContaining([
        'default',
        'logon_failure',
        'no_response',
        'query_no_response',
        'query_error',
      ]),
    );
    expect(body.instances.map((i: { name: string }) => i.name)).toEqual(['INSUPC-1', 'INSUPC-2']);

    expect((await api('POST', '/api/simulator/config', { scenario: 'nope' })).status).toBe(400);
    expect((await api('POST', '/api/simulator/config', { dbStatus: 'XX' })).status).toBe(400);
    expect((await api('POST', '/api/simulator/config', '{not json')).status).toBe(400);
    expect((await api('POST', '/api/disconnect-clients', { instance: 'NOPE' })).status).toBe(404);
    expect((await api('GET', '/api/nothing')).status).toBe(404);
    // a rejected update changes nothing
    expect(
      (await api('POST', '/api/simulator/config', { scenario: 'no_response', dbStatus: 'XX' }))
        .status,
    ).toBe(400);
    expect(sim.view().activeScenario).toBe('default');
  });

  it('closes a connection that sends a bad MSG_LEN and counts the protocol error', async () => {
    const c = await client();
    const bad = Buffer.alloc(62);
    bad.writeUInt32LE(10);
    c.write(bad);
    await waitFor(() => c.closed, 2000, 'close');
    expect(sim.stats().instances['INSUPC-1'].protocolErrors).toBe(1);
  });

  it('stopInstance drops connections; startInstance serves again on the same port', async () => {
    const c = await client('INSUPC-2');
    await c.logon();
    const port = sim.port('INSUPC-2');
    await sim.stopInstance('INSUPC-2');
    await waitFor(() => c.closed, 2000, 'close');
    await expect(InsupcRawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
    await sim.startInstance('INSUPC-2');
    expect(sim.port('INSUPC-2')).toBe(port);
    const again = await client('INSUPC-2');
    expect((await again.logon()).result).toBe(ResultCode.SUCCESS);
  });

  it('assembles frames the client splits byte by byte', async () => {
    const c = await client();
    await c.logon();
    const tid = c.tid();
    const frame = encodeDbQueryRequest({ ...c.header, transactionId: tid }, 'split', ['é']);
    for (let i = 0; i < frame.length; i++) c.socket.write(frame.subarray(i, i + 1));
    const res = await c.response(MsgCode.DB_QUERY_RESPONSE, tid);
    expect(JSON.parse(res.paramString(ParamType.SQL_OUTPUT)!).inputParams).toEqual(['é']);
  });

  it('an answer that would exceed 65,535 bytes: QUERY_ERROR, a WARN line, and it keeps serving', async () => {
    const warnings: string[] = [];
    const logger = { log() {}, debug() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const own = await startSimulator({ instances: [{ name: 'BIG', dbStatus: 'MA' }], logger });
    try {
      const c = await InsupcRawClient.connect(own.port('BIG'));
      clients.push(c);
      await c.logon();
      // 42 KB of quotes: within the request's limits, its JSON echo is 84 KB
      const res = await c.query('echoBig', ['"'.repeat(42_000)]);
      expect(res.result).toBe(ResultCode.QUERY_ERROR);
      expect(readErrorText(res)).toMatch(/^answer not encodable: .*> 65535/);
      expect(warnings).toEqual([
        expect.stringMatching(/^BIG: answer to echoBig from .* not encodable/),
      ]);
      const next = await c.query('small', ['1']);
      expect(next.result).toBe(ResultCode.SUCCESS);
      const other = await InsupcRawClient.connect(own.port('BIG'));
      clients.push(other);
      expect((await other.logon()).result).toBe(ResultCode.SUCCESS);
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await own.stop();
    }
  });
});
