/**
 * The gateway as a real process (`node dist/src/main.js`, built by `npm run test:e2e`):
 * statistics survive a restart through stat-file (UT_05_004), and SIGTERM drains an
 * in-flight execute before exiting 0.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startSimulator, InsupcSimulator } from '../apps/insupc-simulator/src';
import { connectSipsvc } from './support/sipsvc-test-client';
import { http, TempDir, waitFor } from './ops-support';

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');
const API = 'mcidGetProfile';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

interface Running {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startProcess(configPath: string): Running {
  const proc = spawn(process.execPath, [MAIN, '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INSUPCLIENT_CONFIG: '' },
  });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, output: () => out, exited };
}

describe('gateway process (e2e)', () => {
  const dir = new TempDir();
  let sim: InsupcSimulator;
  let httpPort: number;
  let sipsvcPort: number;
  let configPath: string;
  let running: Running | undefined;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run "npm run build" first`);
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1', port: 0 }] });
    httpPort = await freePort();
    sipsvcPort = await freePort();
    dir.write('oam-conf.json', '{"appStates":{"insupclient":"RUNNING"}}');
    configPath = dir.write(
      'insupclient.yaml',
      `
application:
  state-server: { interval: 60000, stat-file: ${dir.file('stats.json')} }
  shutdown: { drain-timeout: 5000 }
server: { host: 127.0.0.1, port: ${httpPort} }
tcp: { server: { host: 127.0.0.1, port: ${sipsvcPort} } }
security:
  allowed-clients:
    - { ip: 127.0.0.1, mac: "000000000001", auth-key: TEST_AUTH_KEY_001 }
insupc:
  clients:
    - { name: INSUPC-1, host: 127.0.0.1, port: ${sim.port('INSUPC-1')}, retry-interval: 50 }
oam: { config: { path: ${dir.file('oam-conf.json')} } }
logging: { level: info }
`,
    );
  });

  afterEach(async () => {
    if (running && running.proc.exitCode === null) {
      running.proc.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
  });

  afterAll(async () => {
    await sim?.stop();
    dir.remove();
  });

  async function start(): Promise<Running> {
    running = startProcess(configPath);
    const r = running;
    await waitFor(
      async () =>
        (await http(httpPort, 'GET', '/health/ready').catch(() => undefined))?.status === 200,
      `gateway ready; output so far:\n${r.output()}`,
      15000,
    );
    return r;
  }

  it('UT_05_004: counters survive a restart through stat-file', async () => {
    const first = await start();
    const c = await connectSipsvc(sipsvcPort);
    await c.authOk();
    await c.authOk();
    await c.close();
    const before = (await http(httpPort, 'GET', '/stat')).body.server;
    expect(before.commands.auth.success).toBeGreaterThanOrEqual(2);

    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(dir.readJson('stats.json')).toMatchObject({
      server: { commands: { auth: before.commands.auth } },
    });

    await start();
    const after = (await http(httpPort, 'GET', '/stat')).body.server;
    expect(after.commands.auth).toEqual(before.commands.auth);
    expect(after.connectionsAccepted).toBe(before.connectionsAccepted);
  });

  it('SIGTERM drains an in-flight execute, then exits 0', async () => {
    const r = await start();
    const c = await connectSipsvc(sipsvcPort, { timeoutMs: 10000 });
    await c.authOk();
    sim.setResponseDelay(800);
    try {
      const answer = c.execute(API, ['01012345678']);
      await waitFor(
        async () => (await http(httpPort, 'GET', '/state')).body.messageMappingSize === 1,
        'the execute in flight',
      );
      r.proc.kill('SIGTERM');
      expect(await answer.catch((e: Error) => `${e.message}\n${r.output()}`)).toMatchObject({
        result: 0,
      });
      expect(await r.exited).toBe(0);
      expect(r.output()).toContain('Graceful shutdown complete');
    } finally {
      sim.setResponseDelay(0);
      await c.close();
    }
  });
});
