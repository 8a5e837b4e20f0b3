/**
 * Operations end to end: a real gateway started from a YAML file (so reload re-reads it),
 * an in-process INSUPC simulator, a real SIPSVC client and the admin API over HTTP.
 * Covers UT_02_005, UT_05_002, UT_06_001..004, health, metrics, stat-file and snapshot POST.
 */
import { startSimulator, InsupcSimulator } from '../apps/insupc-simulator/src';
import { startGateway, Gateway } from '../src/bootstrap';
import { loadConfigFile } from '../src/config/config.loader';
import { AppConfig } from '../src/config/config.schema';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { StatsServer } from './ops-support';
import { TempDir } from './support/real-processes';
import { http } from './support/http';
import { waitFor } from './support/wait-for';

const KNOWN_API = 'mcidGetProfile';

function gatewayYaml(dir: TempDir, insupcPort: number, statsUrl: string, maxTps: number): string {
  return `
application:
  system-name: OPS-TEST
  state-server: { interval: 100, stat-file: ${dir.file('stats.json')}, url: "${statsUrl}" }
  shutdown: { drain-timeout: 2000 }
server: { host: 127.0.0.1, port: 0 }
tcp: { server: { host: 127.0.0.1, port: 0 } }
security:
  allowed-clients:
    - { ip: 127.0.0.1, mac: "000000000001", auth-key: TEST_AUTH_KEY_001 }
insupc:
  clients:
    - { name: INSUPC-1, host: 127.0.0.1, port: ${insupcPort}, connect-timeout: 500,
        retry-interval: 50, heartbeat-interval: 200, heartbeat-timeout: 150, heartbeat-max-misses: 2 }
tps: { max-tps: ${maxTps} }
message: { session-timeout: 3000 }
oam: { config: { path: ${dir.file('oam-conf.json')} } }
logging: { level: ${process.env.TEST_LOG_LEVEL ?? 'silent'} }
`;
}

const OAM_FILE = {
  createdAt: '2025-11-01 13:01:01',
  systemName: 'AMAS11',
  systemState: 'RUNNING',
  appStates: { sipsvc: 'RUNNING', insupclient: 'RUNNING' },
};

describe('operations admin API (e2e)', () => {
  const dir = new TempDir();
  const statsServer = new StatsServer();
  let sim: InsupcSimulator;
  let gw: Gateway;
  let config: AppConfig;
  let configPath: string;
  let client: SipsvcTestClient;
  let port: number;
  let statsUrl: string;

  const routable = async () =>
    (await http(port, 'GET', '/state')).body.insupcConnections.some(
      (s: { routable: boolean }) => s.routable,
    );

  beforeAll(async () => {
    sim = await startSimulator({
      logger: false,
      instances: [{ name: 'INSUPC-1', port: 0 }],
      activeScenario: 'query_error',
      apis: { known: [KNOWN_API] },
    });
    statsUrl = await statsServer.start();
    dir.write('oam-conf.json', JSON.stringify(OAM_FILE));
    configPath = dir.write(
      'insupclient.yaml',
      gatewayYaml(dir, sim.port('INSUPC-1'), statsUrl, 1000),
    );
    config = loadConfigFile(configPath, {});
    gw = await startGateway(config, { configPath });
    port = gw.httpPort;
    client = await connectSipsvc(gw.sipsvcPort);
    await client.authOk();
    await waitFor(routable, 5000, 'INSUPC-1 routable');
  });

  afterAll(async () => {
    await client?.close();
    await gw?.close();
    await sim?.stop();
    await statsServer.stop();
    dir.remove();
  });

  describe('service state', () => {
    afterEach(async () => {
      await http(port, 'POST', '/state?state=RUNNING');
    });

    it('UT_06_002: POST /state?state=BLOCKED blocks new auth, keeps the existing connection, persists', async () => {
      const res = await http(port, 'POST', '/state?state=BLOCKED');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        result: 'success',
        state: 'BLOCKED',
        timestamp: expect.any(String),
      });
      expect(new Date(res.body.timestamp).toISOString()).toBe(res.body.timestamp);
      expect((await http(port, 'GET', '/insupclient/v1/status')).body.state).toBe('BLOCKED');
      // written back, other keys preserved
      expect(dir.readJson('oam-conf.json')).toEqual({
        ...OAM_FILE,
        appStates: { sipsvc: 'RUNNING', insupclient: 'BLOCKED' },
      });
      // new auth refused (spec: -1, "Service blocked"); the authenticated connection keeps its heartbeats
      const fresh = await connectSipsvc(gw.sipsvcPort);
      try {
        const refused = await fresh.auth();
        expect(refused).toMatchObject({ result: -1 });
        expect(JSON.stringify(refused)).toContain('Authentication failed - Service blocked');
      } finally {
        await fresh.close();
      }
      expect(await client.heartbeat()).toMatchObject({ result: 0 });
      expect(await client.execute(KNOWN_API, ['1'])).toMatchObject({ result: 3 });
    });

    it('BLOCKED does not affect executes already in flight', async () => {
      sim.setResponseDelay(400);
      try {
        const inFlight = client.execute(KNOWN_API, ['1']);
        await waitFor(
          async () => (await http(port, 'GET', '/state')).body.messageMappingSize === 1,
          5000,
          'the execute in flight',
        );
        expect((await http(port, 'POST', '/state?state=BLOCKED')).status).toBe(200);
        expect(await inFlight).toMatchObject({ result: 0, resultDesc: 'Completed successfully' });
        // ...while one sent after the change is refused
        expect(await client.execute(KNOWN_API, ['1'])).toMatchObject({ result: 3 });
      } finally {
        sim.setResponseDelay(0);
      }
    });

    it('UT_06_001: POST /state?state=RUNNING serves again and persists', async () => {
      await http(port, 'POST', '/state?state=BLOCKED');
      const res = await http(port, 'POST', '/state?state=RUNNING');
      expect(res.body).toMatchObject({ result: 'success', state: 'RUNNING' });
      expect(dir.readJson('oam-conf.json')).toEqual(OAM_FILE);
      expect(await client.execute(KNOWN_API, ['1'])).toMatchObject({ result: 0 });
    });

    it('refuses an invalid state with 400 and a reason, state unchanged', async () => {
      const q = await http(port, 'POST', '/state?state=PAUSED');
      expect(q.status).toBe(400);
      expect(JSON.stringify(q.body.message)).toContain('state must be one of RUNNING, BLOCKED');
      const missing = await http(port, 'POST', '/state');
      expect(missing.status).toBe(400);
      const b = await http(port, 'POST', '/insupclient/v1/status', { body: { state: 'STOPPED' } });
      expect(b.status).toBe(400);
      const extra = await http(port, 'POST', '/insupclient/v1/status', {
        body: { state: 'BLOCKED', force: true },
      });
      expect(extra.status).toBe(400);
      expect((await http(port, 'GET', '/insupclient/v1/status')).body.state).toBe('RUNNING');
    });

    it('POST /insupclient/v1/status changes and persists the state', async () => {
      const res = await http(port, 'POST', '/insupclient/v1/status', {
        body: { state: 'BLOCKED' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'insupclient', version: '0.0.1', state: 'BLOCKED' });
      expect(dir.readJson('oam-conf.json')).toMatchObject({
        appStates: { insupclient: 'BLOCKED' },
      });
    });

    it('UT_02_005: edit the OAM file, reload, no restart', async () => {
      dir.write(
        'oam-conf.json',
        JSON.stringify({ ...OAM_FILE, appStates: { insupclient: 'BLOCKED' } }),
      );
      const r1 = await http(port, 'POST', '/insupclient/v1/config/actions/reload');
      expect(r1.status).toBe(200);
      expect(r1.body).toMatchObject({ result: 'success', state: 'BLOCKED', configReloaded: true });
      expect((await http(port, 'GET', '/insupclient/v1/status')).body.state).toBe('BLOCKED');

      dir.write('oam-conf.json', JSON.stringify(OAM_FILE));
      await http(port, 'POST', '/insupclient/v1/config/actions/reload');
      const status = await http(port, 'GET', '/insupclient/v1/status');
      expect(status.body).toEqual({
        name: 'insupclient',
        version: '0.0.1',
        state: 'RUNNING',
        startTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        serverSessionCount: 0,
        serverQueueSize: 0,
        clientSessionCount: 0,
        clientQueueSize: 0,
        messageMappingSize: 0,
        sipsvcRecvQueueSize: 0,
        insupcRecvQueueSize: 0,
        insupcPendingRequests: 0,
      });
    });

    it('reload applies hot config keys to the running gateway and names restart-only ones', async () => {
      const yaml = gatewayYaml(dir, sim.port('INSUPC-1'), statsUrl, 1);
      dir.write('insupclient.yaml', yaml.replace('system-name: OPS-TEST', 'system-name: OTHER'));
      try {
        const r = await http(port, 'POST', '/insupclient/v1/config/actions/reload');
        expect(r.body).toMatchObject({
          applied: ['tps.max-tps'],
          restartRequired: ['application.system-name'],
        });
        expect(config.tps.maxTps).toBe(1);
        expect(config.application.systemName).toBe('OPS-TEST');
      } finally {
        dir.write('insupclient.yaml', gatewayYaml(dir, sim.port('INSUPC-1'), statsUrl, 1000));
        await http(port, 'POST', '/insupclient/v1/config/actions/reload');
      }
      expect(config.tps.maxTps).toBe(1000);
    });

    it('a malformed OAM or config file on reload is reported and the running state kept', async () => {
      await http(port, 'POST', '/state?state=BLOCKED');
      dir.write('oam-conf.json', '{"appStates": {"insupclient": "RUNNING"');
      const bad = await http(port, 'POST', '/insupclient/v1/config/actions/reload');
      expect(bad.status).toBe(500);
      expect(bad.body.message).toMatch(/oam-conf\.json: not valid JSON/);
      expect((await http(port, 'GET', '/insupclient/v1/status')).body.state).toBe('BLOCKED');

      dir.write('oam-conf.json', JSON.stringify(OAM_FILE));
      dir.write('insupclient.yaml', gatewayYaml(dir, sim.port('INSUPC-1'), statsUrl, 0));
      try {
        const badYaml = await http(port, 'POST', '/insupclient/v1/config/actions/reload');
        expect(badYaml.status).toBe(500);
        expect(JSON.stringify(badYaml.body.message)).toContain('tps.max-tps');
        expect((await http(port, 'GET', '/insupclient/v1/status')).body.state).toBe('BLOCKED');
        expect(config.tps.maxTps).toBe(1000);
      } finally {
        dir.write('insupclient.yaml', gatewayYaml(dir, sim.port('INSUPC-1'), statsUrl, 1000));
      }
    });
  });

  it("UT_06_004: GET /state lists sessions, SIPSVC connections and INSUPC servers, with the original's types", async () => {
    const before = Date.now();
    const res = await http(port, 'GET', '/state');
    expect(res.status).toBe(200);
    const epochMs = expect.any(Number);
    expect(res.body).toMatchObject({
      timestamp: epochMs,
      state: 'RUNNING',
      messageMappingSize: 0,
      sessionStats: { currentSessions: 0 },
      sipsvcConnections: { total: 1, authenticated: 1 },
    });
    expect(res.body.timestamp).toBeGreaterThanOrEqual(before);
    const [conn] = res.body.sipsvcConnections.connections;
    expect(conn).toEqual({
      connectionId: `conn_127.0.0.1_${client.localPort}`,
      clientIp: '127.0.0.1',
      clientPort: client.localPort,
      authenticated: true,
      connectionTime: epochMs,
      lastActivityTime: epochMs,
      totalRequests: expect.any(Number),
      lastHeartbeatTime: expect.any(Number),
    });
    expect(conn.connectionTime).toBeLessThanOrEqual(conn.lastActivityTime);
    expect(conn.lastActivityTime).toBeLessThanOrEqual(res.body.timestamp);
    expect(res.body.insupcConnections).toEqual([
      expect.objectContaining({
        name: 'INSUPC-1',
        host: '127.0.0.1',
        port: sim.port('INSUPC-1'),
        dbStatus: 'MA',
        lastStatusUpdate: epochMs,
        isAvailable: true,
        routable: true,
      }),
    ]);
    expect(res.body.insupcConnections[0].lastStatusUpdate).toBeGreaterThan(0);
    // the original's informal routes answer the same
    for (const alias of ['/status', '/api/state']) {
      const a = await http(port, 'GET', alias);
      expect(a.status).toBe(200);
      expect(Object.keys(a.body)).toEqual(Object.keys(res.body));
      expect(a.body.sipsvcConnections.connections[0].connectionId).toBe(conn.connectionId);
    }
  });

  describe('statistics', () => {
    beforeEach(async () => {
      expect((await http(port, 'POST', '/stat/init')).status).toBe(200);
    });

    it('UT_05_002: 10 executes of which 3 fail → 10/7/3, 70.0; metrics agree', async () => {
      // the latency histogram is process-lifetime (not reset by /stat/init): compare deltas
      const okBefore =
        parsePrometheus((await http(port, 'GET', '/metrics')).text).get(
          'insupclient_execute_duration_seconds_count{result="0"}',
        ) ?? 0;
      for (let i = 0; i < 10; i++) {
        const res = await client.execute(i < 7 ? KNOWN_API : 'unknownApi', [String(i)]);
        expect(res.result === 0).toBe(i < 7);
      }
      const stat = await http(port, 'GET', '/stat');
      expect(stat.body).toMatchObject({
        systemName: 'OPS-TEST',
        server: {
          commands: { execute: { attempts: 10, success: 7, failure: 3, success_rate: 70 } },
        },
        client: { 'INSUPC-1': { requests: 10, success: 7, failure: 3, dbStatus: 'MA' } },
      });

      const metrics = await http(port, 'GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.contentType).toMatch(/^text\/plain/);
      const samples = parsePrometheus(metrics.text);
      expect(
        samples.get('insupclient_sipsvc_requests_total{command="execute",outcome="attempt"}'),
      ).toBe(10);
      expect(
        samples.get('insupclient_sipsvc_requests_total{command="execute",outcome="failure"}'),
      ).toBe(3);
      expect(
        samples.get('insupclient_insupc_requests_total{server="INSUPC-1",outcome="success"}'),
      ).toBe(7);
      expect(samples.get('insupclient_execute_duration_seconds_count{result="0"}')).toBe(
        okBefore + 7,
      );
      expect(
        samples.get('insupclient_insupc_db_status_info{server="INSUPC-1",db_status="MA"}'),
      ).toBe(1);
    });

    it('UT_06_003: POST /stat/init zeroes the counters and the stat file', async () => {
      await client.execute(KNOWN_API, ['1']);
      expect((await http(port, 'GET', '/stat')).body.server.commands.execute.attempts).toBe(1);
      const res = await http(port, 'POST', '/stat/init');
      expect(res.body).toEqual({ result: 'success', timestamp: expect.any(String) });
      const stat = await http(port, 'GET', '/stat');
      expect(stat.body.server.commands.execute).toEqual({
        attempts: 0,
        success: 0,
        failure: 0,
        success_rate: 0,
      });
      expect(stat.body.client['INSUPC-1'].requests).toBe(0);
      expect(dir.readJson('stats.json')).toMatchObject({
        server: { commands: { execute: { attempts: 0 } } },
      });
      // the hot path still feeds the same objects after a reset
      await client.execute(KNOWN_API, ['2']);
      expect((await http(port, 'GET', '/stat')).body.server.commands.execute.success).toBe(1);
    });

    it('UT_05_001: every interval the snapshot is written to stat-file and POSTed to url', async () => {
      await client.execute(KNOWN_API, ['1']);
      const posted = statsServer.bodies.length;
      await waitFor(
        () =>
          statsServer.bodies
            .slice(posted)
            .some(
              (b) =>
                (b as { server: { commands: { execute: { success: number } } } }).server.commands
                  .execute.success === 1,
            ),
        5000,
        'a POSTed snapshot with the execute',
      );
      expect(statsServer.bodies[statsServer.bodies.length - 1]).toMatchObject({
        systemName: 'OPS-TEST',
        timestamp: expect.any(String),
        client: { 'INSUPC-1': expect.any(Object) },
        segw: { failovers: 0 },
      });
      await waitFor(
        () =>
          (dir.readJson('stats.json') as { server: { commands: { execute: { success: number } } } })
            .server.commands.execute.success === 1,
        5000,
        'stat-file with the execute',
      );
    });
  });

  it('/health/ready follows the simulator going down and up; /health/live does not', async () => {
    expect((await http(port, 'GET', '/health/ready')).status).toBe(200);
    await sim.stopInstance('INSUPC-1');
    await waitFor(
      async () => (await http(port, 'GET', '/health/ready')).status === 503,
      5000,
      'not ready',
    );
    const down = await http(port, 'GET', '/health/ready');
    expect(down.body).toMatchObject({
      status: 'error',
      error: { insupc: { status: 'down', routableServers: 0 } },
      info: { sipsvc: { status: 'up' } },
    });
    expect((await http(port, 'GET', '/health/live')).status).toBe(200);
    await sim.startInstance('INSUPC-1');
    await waitFor(
      async () => (await http(port, 'GET', '/health/ready')).status === 200,
      10000,
      'ready again',
    );
  });

  it('serves the OpenAPI document at /docs', async () => {
    const doc = await http(port, 'GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/state',
        '/stat',
        '/stat/init',
        '/insupclient/v1/status',
        '/insupclient/v1/config/actions/reload',
      ]),
    );
    expect((await http(port, 'GET', '/docs')).status).toBe(200);
  });
});

/** Parses Prometheus text format into `name{labels}` → value; throws on a malformed line. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    // prom-client writes NaN as "Nan" (an event-loop lag read before its first sample); Prometheus parses it
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|[Nn]a[Nn]|[+-]Inf)$/.exec(
      line,
    );
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    samples.set(m[1], Number(m[2]));
  }
  return samples;
}
