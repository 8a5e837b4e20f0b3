/**
 * The gateway as a real process (`node dist/src/main.js`, built by `npm run test:e2e`;
 * INSUPCLIENT_E2E_MAIN points at another build): statistics survive a restart through
 * stat-file (UT_05_004); SIGTERM drains an in-flight execute, refuses new work and exits 0;
 * a second signal exits 1 at once; a bad config stops the process naming the key.
 */
import { connect } from 'node:net';
import { startSimulator, InsupcSimulator } from '../apps/insupc-simulator/src';
import { connectSipsvc } from './support/sipsvc-test-client';
import {
  gatewayFrontYaml,
  gatewayPorts,
  RealProcess,
  spawnGateway,
  TempDir,
  waitGatewayReady,
} from './support/real-processes';
import { http } from './support/http';
import { waitFor } from './support/wait-for';

const API = 'mcidGetProfile';

/** Resolves with the connect error's code (the listener is closed), or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** Asserts that `lines` appear in `output` in this order. */
function expectInOrder(output: string, lines: string[]): void {
  const at = lines.map((l) => output.indexOf(l));
  expect(lines.filter((_, i) => at[i] < 0)).toEqual([]);
  expect(at).toEqual([...at].sort((a, b) => a - b));
}

describe('gateway process (e2e)', () => {
  const dir = new TempDir();
  let sim: InsupcSimulator;
  let httpPort: number;
  let sipsvcPort: number;
  let configPath: string;
  let running: RealProcess | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1', port: 0 }] });
    ({ http: httpPort, sipsvc: sipsvcPort } = await gatewayPorts());
    dir.write('oam-conf.json', '{"appStates":{"insupclient":"RUNNING"}}');
    configPath = dir.write(
      'insupclient.yaml',
      `
application:
  state-server: { interval: 60000, stat-file: ${dir.file('stats.json')} }
  shutdown: { drain-timeout: 5000 }
${gatewayFrontYaml({ http: httpPort, sipsvc: sipsvcPort })}
insupc:
  clients:
    - { name: INSUPC-1, host: 127.0.0.1, port: ${sim.port('INSUPC-1')}, retry-interval: 50 }
oam: { config: { path: ${dir.file('oam-conf.json')} } }
logging: { level: info }
`,
    );
  });

  afterEach(async () => {
    await running?.kill();
    running = undefined;
  });

  afterAll(async () => {
    await sim?.stop();
    dir.remove();
  });

  async function start(): Promise<RealProcess> {
    running = spawnGateway(configPath);
    await waitGatewayReady(running, httpPort);
    return running;
  }

  it('UT_05_004: counters survive a restart through stat-file', async () => {
    const first = await start();
    const c = await connectSipsvc(sipsvcPort);
    await c.authOk();
    await c.authOk();
    expect(await c.execute(API, ['01012345678'])).toMatchObject({ result: 0 });
    await c.close();
    const before = (await http(httpPort, 'GET', '/stat')).body;
    expect(before.server.commands.auth.success).toBeGreaterThanOrEqual(2);
    expect(before.client['INSUPC-1'].success).toBeGreaterThanOrEqual(1);

    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(dir.readJson('stats.json')).toMatchObject({
      server: { commands: { auth: before.server.commands.auth } },
      client: { 'INSUPC-1': { requests: before.client['INSUPC-1'].requests } },
    });

    await start();
    const after = (await http(httpPort, 'GET', '/stat')).body;
    expect(after.server.commands.auth).toEqual(before.server.commands.auth);
    expect(after.server.commands.execute).toEqual(before.server.commands.execute);
    expect(after.server.connectionsAccepted).toBe(before.server.connectionsAccepted);
    const { requests, success, failure } = before.client['INSUPC-1'];
    // connection counters (reconnects...) move on with the new process; request counters not
    expect(after.client['INSUPC-1']).toMatchObject({ requests, success, failure });
  });

  it('SIGTERM drains an in-flight execute, refuses new work, then exits 0', async () => {
    const r = await start();
    const c = await connectSipsvc(sipsvcPort, { timeoutMs: 10000 });
    await c.authOk();
    const executesBefore = (await http(httpPort, 'GET', '/stat')).body.server.commands.execute;
    sim.setResponseDelay(1000);
    try {
      const answer = c.execute(API, ['01012345678']);
      await waitFor(
        async () => (await http(httpPort, 'GET', '/state')).body.messageMappingSize === 1,
        5000,
        'the execute in flight',
      );
      r.proc.kill('SIGTERM');
      await waitFor(() => r.output().includes('Waiting for 1 in-flight'), 5000, 'drain started');

      expect(await c.execute(API, ['01012345678'])).toMatchObject({
        result: 18,
        resultDesc: 'Server shutting down',
      });
      expect(await tryConnect(sipsvcPort)).toBe('ECONNREFUSED');
      expect(await answer.catch((e: Error) => `${e.message}\n${r.output()}`)).toMatchObject({
        result: 0,
      });
      expect(await r.exited).toBe(0);
    } finally {
      sim.setResponseDelay(0);
      await c.close();
    }
    const saved = dir.readJson('stats.json') as { server: { commands: { execute: unknown } } };
    expect(saved.server.commands.execute).toMatchObject({
      attempts: executesBefore.attempts + 2,
      success: executesBefore.success + 1,
    });
    expectInOrder(r.output(), [
      'Graceful shutdown started (SIGTERM)',
      'DB_RELEASE_REQUEST sent',
      'Final statistics snapshot written to',
      'Graceful shutdown complete',
    ]);
  });

  it('a second signal during the drain exits 1 at once', async () => {
    const r = await start();
    const c = await connectSipsvc(sipsvcPort, { timeoutMs: 10000 });
    await c.authOk();
    sim.setResponseDelay(4000);
    try {
      void c.execute(API, ['01012345678']).catch(() => undefined);
      await waitFor(
        async () => (await http(httpPort, 'GET', '/state')).body.messageMappingSize === 1,
        5000,
        'the execute in flight',
      );
      r.proc.kill('SIGTERM');
      await waitFor(() => r.output().includes('Waiting for 1 in-flight'), 5000, 'drain started');
      const signalledAt = Date.now();
      r.proc.kill('SIGINT');
      expect(await r.exited).toBe(1);
      expect(Date.now() - signalledAt).toBeLessThan(2000);
      expect(r.output()).toContain('SIGINT received again during shutdown: exiting now');
      expect(r.output()).not.toContain('Graceful shutdown complete');
    } finally {
      sim.setResponseDelay(0);
      c.destroy();
    }
  });

  it('a bad config stops the process with exit 1, naming the key (secrets redacted)', async () => {
    const bad = dir.write(
      'bad.yaml',
      'security: { admin-token: 42 }\ntps: { max-tps: 0 }\n' +
        'insupc: { clients: [{ name: A, host: h, port: 1 }] }\n',
    );
    running = spawnGateway(bad);
    expect(await running.exited).toBe(1);
    const out = running.output();
    expect(out).toContain('tps.max-tps: must not be less than 1 (got 0)');
    expect(out).toContain('security.admin-token: must be a string (got <redacted>)');
    expect(out).toContain(bad);
  });
});
