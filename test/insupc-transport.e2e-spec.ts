/**
 * The INSUPC transport against the INSUPC simulator over real loopback sockets: logon,
 * heartbeats, read-timeout, reconnects, DB_STATUS routing and in-flight failure
 * (binary protocol sections 5 and 6; seed UT_04_001..012).
 */
import { startSimulator, type InsupcSimulator } from '../apps/insupc-simulator/src';
import { MsgCode } from '../libs/insupc-protocol/src';
import { InsupcAnswer, InsupcQueryError } from '../src/contracts/insupc-query.port';
import { startTransport, TransportHarness } from './insupc-gw-harness';
import { waitFor } from './support/wait-for';

describe('INSUPC transport (e2e, simulator)', () => {
  let sim: InsupcSimulator | undefined;
  let gw: TransportHarness | undefined;

  afterEach(async () => {
    await gw?.close();
    await sim?.stop();
    gw = sim = undefined;
  });

  /** a simulator with the given instances (status each) and a transport connected to all. */
  async function setup(
    instances: { name: string; dbStatus: 'MA' | 'MS' | 'MB' | 'DA' | 'DS' | 'DB' }[],
    opts: {
      activeScenario?: string;
      client?: Parameters<typeof startTransport>[0][number]['overrides'];
      sessionTimeout?: number;
      waitReady?: boolean;
    } = {},
  ): Promise<{ sim: InsupcSimulator; gw: TransportHarness }> {
    sim = await startSimulator({
      logger: false,
      instances,
      activeScenario: opts.activeScenario ?? 'default',
      scenarios: {
        heartbeat_ignore: { description: 'logon OK, heartbeats unanswered', heartbeat: 'ignore' },
      },
    });
    const s = sim;
    gw = await startTransport(
      s.instances.map((i) => ({ name: i.name, port: i.port, overrides: opts.client })),
      { sessionTimeout: opts.sessionTimeout ?? 5000 },
    );
    const g = gw;
    if (opts.waitReady !== false) {
      await waitFor(
        () =>
          g.state
            .describeServers()
            .every((x) => x.availableConnections === x.totalConnections && x.dbStatus !== ''),
        5000,
        'every server logged on',
      );
    }
    return { sim: s, gw: g };
  }

  async function queryMany(g: TransportHarness, n: number): Promise<InsupcAnswer[]> {
    const out: InsupcAnswer[] = [];
    for (let i = 0; i < n; i++) out.push(await g.query.query('mcidGetProfile', [`0101234${i}`]));
    return out;
  }

  const received = (s: InsupcSimulator, name: string, code: MsgCode) => s.received(name, code) ?? 0;

  it('logging.insupc-frames (hot): every frame in and out as a decoded tree with hex, password masked', async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }]);
    const traces = () => gw.logs.lines.filter((l) => l.message.startsWith('INSUPC frame'));
    await gw.query.query('mcidGetProfile', ['1']);
    expect(traces()).toEqual([]);
    gw.config.logging.insupcFrames = true; // what the reload action does to the live config
    await gw.query.query('mcidGetProfile', ['01012345678']);
    const [out, back] = traces();
    expect(out.level).toBe('debug');
    expect(out.message).toMatch(
      /^INSUPC frame -> INSUP_SESSION_001\nDB_QUERY_REQUEST .* txid=\d+ /,
    );
    expect(out.message).toContain(
      'INPUT_PARAM(0x0002) len=11 "01012345678" | 02 00 0b 00 30 31 30 31 32 33 34 35 36 37 38',
    );
    expect(back.message).toMatch(
      /^INSUPC frame <- INSUP_SESSION_001\nDB_QUERY_RESPONSE .*result=0x01/,
    );
    sim.disconnectClients('INSUPC-1');
    const isLogon = (m: string) => m.includes('\nDB_ACCESS_REQUEST ');
    await waitFor(() => traces().some((l) => isLogon(l.message)), 5000, 'the logon traced');
    const logon = traces().find((l) => isLogon(l.message))!.message;
    expect(logon).toContain('logonId="insupclient" password=********');
    expect(logon).not.toContain('secret');
    expect(logon).not.toContain(
      Buffer.from('secret')
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1 '),
    );
    await waitFor(() => gw.server('INSUPC-1').isAvailable, 5000, 'logged on again');
    gw.config.logging.insupcFrames = false; // and off again: nothing more is traced
    const traced = traces().length;
    await gw.query.query('mcidGetProfile', ['1']);
    expect(traces()).toHaveLength(traced);
  });

  it('UT_04_001: logs on with DB_ACCESS_REQUEST and reports the server in /state form', async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }], {
      client: { connectionPoolSize: 2 },
    });
    expect(gw.server('INSUPC-1')).toMatchObject({
      name: 'INSUPC-1',
      host: '127.0.0.1',
      port: sim.port('INSUPC-1'),
      dbStatus: 'MA',
      availableConnections: 2,
      activeRequests: 0,
      totalConnections: 2,
      isAvailable: true,
      routable: true,
    });
    expect(gw.server('INSUPC-1').lastStatusUpdate).toBeGreaterThan(Date.now() - 60_000);
    expect(received(sim, 'INSUPC-1', MsgCode.DB_ACCESS_REQUEST)).toBe(2);
    expect(gw.state.routableServerCount()).toBe(1);
    expect(gw.logs.count('TCP_CONNECTION: ')).toBe(2);
    const answer = await gw.query.query('mcidGetProfile', ['01012345678']);
    expect(answer).toMatchObject({ server: 'INSUPC-1', result: 0x01 });
    expect(gw.stats.insupc('INSUPC-1')).toMatchObject({ requests: 1, success: 1, dbStatus: 'MA' });
  });

  it('UT_04_002: a denied logon is logged, closed and retried after retry-interval until accepted', async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }], {
      activeScenario: 'logon_failure',
      waitReady: false,
    });
    await waitFor(() => gw.stats.insupc('INSUPC-1').logonFailures >= 2, 5000, 'two denied logons');
    expect(gw.logs.has('INSUPC_LOGON_FAILED: result=0x20', 'error')).toBe(true);
    expect(gw.logs.has('Reconnection triggered')).toBe(true);
    expect(gw.logs.count('TCP_CONNECTION: ')).toBeGreaterThanOrEqual(2);
    expect(gw.server('INSUPC-1').isAvailable).toBe(false);
    await expect(gw.query.query('x', [])).rejects.toMatchObject({ code: 'NO_BACKEND' });

    sim.setScenario('default');
    await waitFor(
      () => gw.server('INSUPC-1').isAvailable,
      5000,
      'logon accepted after the scenario change',
    );
    expect(received(sim, 'INSUPC-1', MsgCode.DB_ACCESS_REQUEST)).toBeGreaterThanOrEqual(3);
  });

  it('UT_04_003: sends DB_NETTEST_REQUEST every heartbeat-interval while the connection is up', async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }], {
      client: { heartbeatInterval: 100 },
    });
    // the interval itself is checked on fake time (src/insupc/insupc-connection.spec.ts)
    await waitFor(
      () => received(sim, 'INSUPC-1', MsgCode.DB_NETTEST_REQUEST) >= 3,
      5000,
      'three heartbeats',
    );
    expect(gw.server('INSUPC-1').isAvailable).toBe(true);
    expect(gw.stats.insupc('INSUPC-1').connectionLosses).toBe(0);
  });

  it('UT_04_004: a silent server is closed after read-timeout (ReadTimeout detected) and reconnected', async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }], {
      activeScenario: 'no_response',
      client: { readTimeout: 300 },
      waitReady: false,
    });
    await waitFor(() => gw.logs.has('ReadTimeout detected'), 3000, 'ReadTimeout detected');
    await waitFor(() => gw.logs.has('Reconnection triggered'), 5000, 'Reconnection triggered');
    await waitFor(
      () => received(sim, 'INSUPC-1', MsgCode.DB_ACCESS_REQUEST) >= 2,
      5000,
      'second logon attempt',
    );
    expect(gw.logs.count('TCP_CONNECTION: ')).toBeGreaterThanOrEqual(2);
  });

  it('closes a logged-on connection after heartbeat-max-misses unanswered heartbeats, then reconnects', async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }], {
      activeScenario: 'heartbeat_ignore',
      client: {
        heartbeatInterval: 100,
        heartbeatTimeout: 50,
        heartbeatMaxMisses: 2,
        readTimeout: 60000,
      },
    });
    await waitFor(
      () => gw.stats.insupc('INSUPC-1').connectionLosses >= 1,
      5000,
      'connection closed for misses',
    );
    expect(gw.logs.count('[INSUPC|INSUPC-1] heartbeat unanswered', 'warn')).toBeGreaterThanOrEqual(
      2,
    );
    await waitFor(() => gw.stats.insupc('INSUPC-1').reconnects >= 1, 5000, 'logged on again');
    expect(received(sim, 'INSUPC-1', MsgCode.DB_ACCESS_REQUEST)).toBeGreaterThanOrEqual(2);
  });

  it('UT_04_005: a server killed and restarted is reconnected and logged on again', async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }]);
    await sim.stopInstance('INSUPC-1');
    await waitFor(() => !gw.server('INSUPC-1').isAvailable, 5000, 'server seen down');
    await expect(gw.query.query('x', [])).rejects.toMatchObject({ code: 'NO_BACKEND' });
    expect(gw.stats.insupc('INSUPC-1').connectionLosses).toBe(1);

    await sim.startInstance('INSUPC-1');
    await waitFor(() => gw.server('INSUPC-1').isAvailable, 3000, 'server back');
    expect(gw.stats.insupc('INSUPC-1').reconnects).toBe(1);
    await expect(gw.query.query('mcidGetProfile', ['1'])).resolves.toMatchObject({
      server: 'INSUPC-1',
    });
  });

  it('UT_04_006: DB_STATUS_REQUEST updates the status, is answered 0x01 and changes routing', async () => {
    const { sim, gw } = await setup([
      { name: 'INSUPC-1', dbStatus: 'MA' },
      { name: 'INSUPC-2', dbStatus: 'MA' },
    ]);
    sim.setDbStatus('INSUPC-2', 'MB'); // pushes DB_STATUS_REQUEST
    await waitFor(
      () => received(sim, 'INSUPC-2', MsgCode.DB_STATUS_RESPONSE) >= 1,
      5000,
      'DB_STATUS_RESPONSE',
    );
    expect(gw.server('INSUPC-2')).toMatchObject({
      dbStatus: 'MB',
      isAvailable: false,
      routable: false,
    });
    expect(gw.stats.insupc('INSUPC-2').dbStatus).toBe('MB');
    const messages = gw.logs.lines.map((l) => l.message);
    expect(messages).toContain(
      'INSUPC_STATUS_NOTIFICATION: session=INSUP_SESSION_002, newStatus=MB',
    );
    expect(messages).toContain('[INSUPC|INSUPC-2] DB Status changed | old: MA, new: MB');
    expect(messages).toContain('DB_STATUS_RESPONSE sent: session=INSUP_SESSION_002, result=0x01');

    const answers = await queryMany(gw, 4);
    expect(answers.map((a) => a.server)).toEqual(['INSUPC-1', 'INSUPC-1', 'INSUPC-1', 'INSUPC-1']);
  });

  it('UT_04_007: MA + MA splits 10 queries 5/5, alternating', async () => {
    const { sim, gw } = await setup([
      { name: 'INSUPC-1', dbStatus: 'MA' },
      { name: 'INSUPC-2', dbStatus: 'MA' },
    ]);
    const answers = await queryMany(gw, 10);
    expect(received(sim, 'INSUPC-1', MsgCode.DB_QUERY_REQUEST)).toBe(5);
    expect(received(sim, 'INSUPC-2', MsgCode.DB_QUERY_REQUEST)).toBe(5);
    expect(answers[0].server).not.toBe(answers[1].server);
    expect(gw.logs.count('Selected MA pool: INSUPC-1', 'debug')).toBe(5);
    expect(gw.logs.count('Selected MA pool: INSUPC-2', 'debug')).toBe(5);
  });

  it('UT_04_008: MA + DA sends everything to MA, then to DA when MA dies (using fallback, WARN)', async () => {
    const { sim, gw } = await setup([
      { name: 'INSUPC-1', dbStatus: 'DA' },
      { name: 'INSUPC-2', dbStatus: 'MA' },
    ]);
    expect((await queryMany(gw, 2)).map((a) => a.server)).toEqual(['INSUPC-2', 'INSUPC-2']);
    await sim.stopInstance('INSUPC-2');
    await waitFor(() => !gw.server('INSUPC-2').isAvailable, 5000, 'MA seen down');
    expect((await queryMany(gw, 2)).map((a) => a.server)).toEqual(['INSUPC-1', 'INSUPC-1']);
    expect(gw.logs.count('using fallback: INSUPC-1', 'warn')).toBe(1);
    expect(received(sim, 'INSUPC-1', MsgCode.DB_QUERY_REQUEST)).toBe(2);
  });

  it('UT_04_009: MA + MS with MA → MB sends everything to MS', async () => {
    const { sim, gw } = await setup([
      { name: 'INSUPC-1', dbStatus: 'MS' },
      { name: 'INSUPC-2', dbStatus: 'MA' },
    ]);
    expect((await queryMany(gw, 2)).map((a) => a.server)).toEqual(['INSUPC-2', 'INSUPC-2']);
    sim.setDbStatus('INSUPC-2', 'MB', false); // no push: the next heartbeat answer carries it
    await waitFor(
      () => gw.server('INSUPC-2').dbStatus === 'MB',
      5000,
      'MB seen in a heartbeat answer',
    );
    expect((await queryMany(gw, 2)).map((a) => a.server)).toEqual(['INSUPC-1', 'INSUPC-1']);
    expect(gw.logs.has('using fallback: INSUPC-1', 'warn')).toBe(true);
  });

  it("UT_04_010: status 'A' (MA) with a pool: connection-pool-size connections logged on, 10 concurrent queries answered over them, none added", async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }], {
      client: { connectionPoolSize: 5 },
    });
    expect(gw.server('INSUPC-1')).toMatchObject({ totalConnections: 5, availableConnections: 5 });
    expect(sim.loggedOn('INSUPC-1')).toBe(5);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => gw.query.query('mcidGetProfile', [`0101234${i}`])),
    );
    expect(answers.map((a) => [a.server, a.result])).toEqual(
      Array.from({ length: 10 }, () => ['INSUPC-1', 0x01]),
    );
    expect(received(sim, 'INSUPC-1', MsgCode.DB_QUERY_REQUEST)).toBe(10);
    // the pool's connections were reused: no new connection, no new logon
    expect(received(sim, 'INSUPC-1', MsgCode.DB_ACCESS_REQUEST)).toBe(5);
    expect(sim.connections('INSUPC-1')).toBe(5);
    expect(gw.server('INSUPC-1').availableConnections).toBe(5);
  });

  it("UT_04_011: every insupc.clients target is connected at start-up, one not listening retried until it answers; a 'B' (MB) one gets no query", async () => {
    const s = (sim = await startSimulator({
      logger: false,
      instances: [
        { name: 'INSUPC-1', dbStatus: 'MA' },
        { name: 'INSUPC-2', dbStatus: 'MB' },
      ],
    }));
    await s.stopInstance('INSUPC-2'); // not listening when the gateway starts
    const g = (gw = await startTransport(
      s.instances.map((i) => ({ name: i.name, port: i.port })),
      { sessionTimeout: 5000 },
    ));
    await waitFor(() => g.server('INSUPC-1').isAvailable, 5000, 'INSUPC-1 logged on');
    const refused = `[INSUPC|INSUPC-2] connect to 127.0.0.1:${s.port('INSUPC-2')} failed`;
    await waitFor(() => g.logs.count(refused) >= 3, 5000, 'INSUPC-2 tried again and again');
    expect(g.logs.has(refused, 'warn')).toBe(true); // the first of the outage at WARN
    await s.startInstance('INSUPC-2');
    await waitFor(
      () => s.loggedOn('INSUPC-2') === 1 && g.server('INSUPC-2').dbStatus === 'MB',
      5000,
      'INSUPC-2 connected once it listens',
    );
    expect(g.server('INSUPC-2').isAvailable).toBe(false);
    expect((await queryMany(g, 4)).map((a) => a.server)).toEqual([
      'INSUPC-1',
      'INSUPC-1',
      'INSUPC-1',
      'INSUPC-1',
    ]);
    expect(received(s, 'INSUPC-2', MsgCode.DB_QUERY_REQUEST)).toBe(0);
  });

  it("UT_04_012: servers in status 'S' (MS, DS) get no query while an 'A' (MA) server is routable", async () => {
    const { sim, gw } = await setup([
      { name: 'INSUPC-1', dbStatus: 'MS' },
      { name: 'INSUPC-2', dbStatus: 'DS' },
      { name: 'INSUPC-3', dbStatus: 'MA' },
    ]);
    expect((await queryMany(gw, 4)).map((a) => a.server)).toEqual([
      'INSUPC-3',
      'INSUPC-3',
      'INSUPC-3',
      'INSUPC-3',
    ]);
    expect(received(sim, 'INSUPC-1', MsgCode.DB_QUERY_REQUEST)).toBe(0);
    expect(received(sim, 'INSUPC-2', MsgCode.DB_QUERY_REQUEST)).toBe(0);
    expect(gw.logs.has('using fallback')).toBe(false);
  });

  it('2,000 concurrent queries over 2 servers × 2 connections: each answered once, with its own answer', async () => {
    const { gw } = await setup(
      [
        { name: 'INSUPC-1', dbStatus: 'MA' },
        { name: 'INSUPC-2', dbStatus: 'MA' },
      ],
      { client: { connectionPoolSize: 2 } },
    );
    const n = 2000;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) => gw.query.query('mcidGetProfile', [`msisdn-${i}`])),
    );
    answers.forEach((a, i) => {
      expect(JSON.parse(a.sqlOutput!)).toMatchObject({
        inputParams: [`msisdn-${i}`],
        server: a.server,
      });
    });
    const s1 = gw.stats.insupc('INSUPC-1');
    const s2 = gw.stats.insupc('INSUPC-2');
    expect(s1.requests + s2.requests).toBe(n);
    expect(s1.success).toBe(n / 2);
    expect(s1.unmatchedResponses + s2.unmatchedResponses).toBe(0);
    expect(gw.state.pendingRequests()).toBe(0);
  });

  it('only blocked servers → NO_BACKEND at once; nothing is sent', async () => {
    const { sim, gw } = await setup([
      { name: 'INSUPC-1', dbStatus: 'MB' },
      { name: 'INSUPC-2', dbStatus: 'DB' },
    ]);
    expect(gw.state.routableServerCount()).toBe(0);
    const err = await gw.query.query('mcidGetProfile', ['1']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsupcQueryError);
    expect(err).toMatchObject({ code: 'NO_BACKEND' });
    expect(received(sim, 'INSUPC-1', MsgCode.DB_QUERY_REQUEST)).toBe(0);
    expect(received(sim, 'INSUPC-2', MsgCode.DB_QUERY_REQUEST)).toBe(0);
  });

  it('requests in flight when the connection drops are failed at once with CONNECTION_LOST', async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }], {
      activeScenario: 'query_no_response',
      sessionTimeout: 60000,
    });
    const inflight = Promise.allSettled(
      [1, 2, 3].map((i) => gw.query.query('mcidGetProfile', [String(i)])),
    );
    await waitFor(
      () => received(sim, 'INSUPC-1', MsgCode.DB_QUERY_REQUEST) === 3,
      5000,
      'queries at the server',
    );
    expect(gw.state.pendingRequests()).toBe(3);
    expect(gw.server('INSUPC-1').activeRequests).toBe(3);
    sim.disconnectClients('INSUPC-1');
    const results = await inflight;
    for (const r of results) {
      expect(r).toMatchObject({
        status: 'rejected',
        reason: { code: 'CONNECTION_LOST', server: 'INSUPC-1' },
      });
    }
    expect(gw.state.pendingRequests()).toBe(0);
    expect(gw.stats.insupc('INSUPC-1').connectionLosses).toBe(1);
  });

  it('a request never answered is failed with TIMEOUT by the backstop (2 × session-timeout)', async () => {
    const { gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }], {
      activeScenario: 'query_no_response',
      sessionTimeout: 100,
    });
    // the guard time itself is checked on fake time (src/insupc/insupc-transport.service.spec.ts)
    await expect(gw.query.query('mcidGetProfile', ['1'])).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    expect(gw.stats.insupc('INSUPC-1').timeouts).toBe(1);
    expect(gw.state.pendingRequests()).toBe(0);
  });

  it('release() sends DB_RELEASE_REQUEST on every connection, closes, and refuses new queries', async () => {
    const { sim, gw } = await setup([{ name: 'INSUPC-1', dbStatus: 'MA' }], {
      client: { connectionPoolSize: 2 },
    });
    await gw.state.release();
    await waitFor(
      () => received(sim, 'INSUPC-1', MsgCode.DB_RELEASE_REQUEST) === 2,
      5000,
      'two DB_RELEASE_REQUEST',
    );
    await waitFor(() => sim.connections('INSUPC-1') === 0, 5000, 'connections closed');
    await expect(gw.query.query('x', [])).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    expect(gw.server('INSUPC-1').availableConnections).toBe(0);
  });
});
