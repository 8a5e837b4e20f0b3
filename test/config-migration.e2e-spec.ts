/**
 * The original service's application.yml carried over (operations spec §6.5, issue 15): the
 * seed's own examples start the gateway with one WARN per alias, and `config migrate` prints
 * a file `config check` accepts with no alias left. The test guide's file runs as the real
 * process (`node dist/src/main.js`, built by `npm run test:e2e`); the UT_02 files in
 * process. Addresses and ports are pointed at loopback and the simulator, keys untouched.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimulator, InsupcSimulator } from '../apps/insupc-simulator/src';
import { startGateway } from '../src/bootstrap';
import { parseConfigWithWarnings } from '../src/config/config.loader';
import { gatewayPorts, TempDir } from './support/real-processes';
import { http } from './support/http';
import { waitRoutable } from './support/simulator-clients';
import { waitFor } from './support/wait-for';

const MAIN = process.env.INSUPCLIENT_E2E_MAIN || join(__dirname, '..', 'dist', 'src', 'main.js');
const FIXTURES = join(__dirname, 'fixtures', 'original-config');
const run = promisify(execFile);

/** Messages of the JSON log lines in `output` at `level` (pino: 40 = warn). */
const messagesAt = (output: string, level: number): string[] =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => l.level === level)
    .map((l) => l.msg);

describe("the original service's application.yml (e2e)", () => {
  const dir = new TempDir();
  let sim: InsupcSimulator;
  let proc: ChildProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run "npm run build" first`);
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1', port: 0 }] });
  });

  afterAll(async () => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    await sim?.stop();
    dir.remove();
  });

  it("the test guide's application.yaml starts the real process; migrate + check leave no alias", async () => {
    const { http: httpPort, sipsvc: sipsvcPort } = await gatewayPorts();
    const logFile = dir.file('logs/insupclient.log');
    const original = readFileSync(join(FIXTURES, 'test-guide-application.yaml'), 'utf8')
      .replace('192.168.1.100', '127.0.0.1')
      .replace('port: 19000', `port: ${sim.port('INSUPC-1')}`)
      .replace('port: 15020', `port: ${httpPort}`)
      .replace('port: 15021', `port: ${sipsvcPort}`)
      .replace('/logs/insupclient.log', logFile);
    const file = dir.write('application.yaml', original);

    // cwd: the temp dir, so the default data/ and config/ paths land there
    proc = spawn(process.execPath, [MAIN, '--config', file], {
      cwd: dir.path,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, INSUPCLIENT_CONFIG: '' },
    });
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => proc!.on('exit', (code) => r(code)));
    await waitFor(
      async () =>
        (await http(httpPort, 'GET', '/health/ready').catch(() => undefined))?.status === 200,
      15000,
      `gateway ready; output so far:\n${out}`,
    );
    const warnings = messagesAt(out, 40).filter((m) => m.startsWith('config key '));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^config key session\.max-connections .*: use tcp\.server\.max-connections$/,
      ),
      expect.stringMatching(/^config key client\.targets\[\] .*: use insupc\.clients\[\]/),
      expect.stringMatching(
        /^config key client\.heart-beat\.interval .*: use insupc\.clients\[\]\.heartbeat-interval$/,
      ),
    ]);
    // logging.level: INFO is info: info lines in the file, no debug ones
    await waitFor(() => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('started'));
    const logged = readFileSync(logFile, 'utf8');
    expect(messagesAt(logged, 30).length).toBeGreaterThan(0);
    expect(messagesAt(logged, 20)).toEqual([]);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);

    const migrated = await run(process.execPath, [MAIN, 'config', 'migrate', file]);
    expect(migrated.stdout).not.toMatch(/session:|client:|targets|heart-beat|\bip:|state:/);
    expect(migrated.stdout).toContain('max-connections: 1000');
    const migratedFile = dir.write('migrated.yaml', migrated.stdout);
    const checked = await run(process.execPath, [MAIN, 'config', 'check', migratedFile]);
    expect(checked.stdout).toBe(`${migratedFile}: OK\n`);
    expect(checked.stderr).not.toContain('WARN config key');

    const bad = dir.write('bad.yaml', `${migrated.stdout}tps: { max-tps: 0 }\n`);
    await expect(
      run(process.execPath, [MAIN, 'config', 'check', '--config', bad]),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('tps.max-tps: must not be less than 1 (got 0)'),
    });
  });

  it.each(['ut-02-application.yml', 'ut-02-007-insupc-recv-queue.yml'])(
    '%s starts the gateway and routes to its INSUPC server',
    async (name) => {
      const text = readFileSync(join(FIXTURES, name), 'utf8').replace(
        'port: 19000',
        `port: ${sim.port('INSUPC-1')}`,
      );
      const { config, warnings } = parseConfigWithWarnings(text, {
        INSUPCLIENT_SERVER_HOST: '127.0.0.1',
        INSUPCLIENT_SERVER_PORT: '0',
        INSUPCLIENT_TCP_SERVER_HOST: '127.0.0.1',
        INSUPCLIENT_TCP_SERVER_PORT: '0',
        INSUPCLIENT_APPLICATION_STATE_SERVER_STAT_FILE: '',
        INSUPCLIENT_LOGGING_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      });
      expect(warnings.filter((w) => w.startsWith('config key ')).length).toBeGreaterThan(0);
      const gw = await startGateway(config, { configWarnings: warnings });
      try {
        await waitRoutable(gw);
        expect((await http(gw.httpPort, 'GET', '/health/ready')).status).toBe(200);
      } finally {
        await gw.close();
      }
    },
  );
});
