/**
 * SEGW failover, data plane: real executes through a real IPsec tunnel (test/lab/segw-lab.sh).
 *
 * The built gateway (dist/src/main.js; `npm run test:e2e` builds first) runs inside the lab's initiator namespace and drives
 * the initiator charon over its VICI unix socket. Behind each SEGW an INSUPC simulator
 * listens on the inner address 10.2.0.1, which the initiator reaches only through the
 * tunnel; the two simulators have different instance names, so every answer says which
 * SEGW carried it. A probe (a SIPSVC client, also in the initiator namespace) sends one
 * execute every 50 ms; SEGW 1 is killed and the outage is measured from the probe's
 * answers. This process never opens a socket: it talks to its children over pipes, and
 * every address it names is reached from inside a lab namespace.
 *
 * Where the machine cannot host the lab (segw-lab.sh check exits 3) the suite says so
 * loudly and is skipped, never passed.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeIfLabRuns,
  LAB_SCRIPT,
  LabEnv,
  labDown,
  labTunnel,
  labUp,
  runLab,
} from './lab/lab-helpers';
import { pollFor } from './support/wait-for';

const ROOT = join(__dirname, '..');
const GATEWAY_MAIN = join(ROOT, 'dist', 'src', 'main.js');
const SIMULATOR_MAIN = join(ROOT, 'dist', 'apps', 'insupc-simulator', 'src', 'main.js');
const SIPSVC_CLIENT = join(ROOT, 'dist', 'libs', 'sipsvc-protocol', 'src', 'sipsvc-client.js');

/** A lab of our own, apart from test/segw-lab.e2e-spec.ts's (namespaces, charon dirs). */
const LAB_ENV = {
  ...process.env,
  LAB_PREFIX: 'insdp',
  LAB_DIR: '/tmp/insupclient-segw-dataplane',
  LAB_DPD: '1',
};
/** Namespace-private listeners: fixed ports cannot collide with anything on the host. */
const SIPSVC_PORT = 15021;
const ADMIN_PORT = 15020;
const INSUPC_PORT = 19000;
const SIMULATOR_HTTP_PORT = 19080;
const PROBE_INTERVAL_MS = 50;
const SEGW_ADDR = ['', '10.99.1.2', '10.99.2.2'];
const serverOf = (segw: number) => `SEGW${segw}-INSUPC`;

const describeLab = describeIfLabRuns('SEGW DATA-PLANE test', LAB_ENV);
const lab = (...args: string[]): string => runLab(LAB_ENV, ...args);

/** Runs `node -e script args...` inside a lab host's namespace; resolves with its stdout. */
function nodeIn(host: string, script: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'bash',
      [LAB_SCRIPT, 'exec', host, process.execPath, '-e', script, ...args],
      { env: LAB_ENV, timeout: 10_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

/** GET a JSON document from a listener on 127.0.0.1 inside a lab host's namespace. */
async function getJsonIn<T>(host: string, port: number, path: string): Promise<T> {
  const out = await nodeIn(
    host,
    'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t));',
    `http://127.0.0.1:${port}${path}`,
  );
  return JSON.parse(out) as T;
}

/**
 * The probe: one SIPSVC connection (re-opened if lost), one execute every interval, one
 * JSON line per outcome on stdout. It stops when its stdin closes (the test ended or died)
 * and after two minutes at most.
 */
const PROBE_SCRIPT = `
const { SipsvcClient } = require(process.argv[1]);
const port = Number(process.argv[2]), interval = Number(process.argv[3]);
const deadline = Date.now() + 120000;
let stop = false;
process.stdin.on('end', () => (stop = true)).on('error', () => (stop = true)).resume();
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  let client, token, seq = 0;
  while (!stop && Date.now() < deadline) {
    const sent = Date.now();
    try {
      if (!client) {
        client = await SipsvcClient.connect({ host: '127.0.0.1', port, connectTimeoutMs: 1000, requestTimeoutMs: 5000 });
        const auth = await client.request({ cmd: 'auth', ipAddr: '127.0.0.1', macAddr: '000000000001',
          accessKey: Buffer.from('TEST_AUTH_KEY_001').toString('base64') });
        if (auth.result !== 0) throw new Error('auth refused: ' + auth.resultDesc);
        token = auth.token;
      }
      const r = await client.request({ cmd: 'execute', token, seq: String(++seq), service: 'mcidGetProfile',
        reqBody: { apiName: 'mcidGetProfile', inputParams: ['01012345678'] } });
      out({ sent, answered: Date.now(), result: r.result, desc: r.resultDesc, server: r.data && r.data.server });
    } catch (e) {
      out({ sent, answered: Date.now(), result: null, desc: String(e && e.message) });
      if (client) client.close();
      client = undefined;
    }
    await sleep(interval);
  }
  if (client) await client.close();
  process.exit(0);
})();
`;

interface ProbeResult {
  sent: number;
  answered: number;
  /** SIPSVC result; null when no answer came (connection or client error). */
  result: number | null;
  desc: string;
  server?: string;
}
const good = (r: ProbeResult, segw: number) => r.result === 0 && r.server === serverOf(segw);

interface SegwView {
  connections: Array<{ name: string; current: string; state: string }>;
}
interface HistoryView {
  history: Array<{ timestamp: string; from: string; to: string; reason: string; result: string }>;
}
interface SimulatorStats {
  instances: Record<string, { received: Record<string, number>; connections: number }>;
}

describeLab('SEGW failover through real strongSwan (lab, data plane)', () => {
  jest.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'insupclient-segw-dp-'));
  const children: Array<{ name: string; proc: ChildProcess; log: string; exited: Promise<void> }> =
    [];
  const results: ProbeResult[] = [];
  let probe: ChildProcess | undefined;
  let labStarted = false;

  /** Starts `node <main> args` inside a lab host's namespace, output to a log file. */
  function startIn(host: string, name: string, main: string, ...args: string[]): ChildProcess {
    const log = join(dir, `${name}.log`);
    const fd = openSync(log, 'a');
    const proc = spawn('bash', [LAB_SCRIPT, 'exec', host, process.execPath, main, ...args], {
      env: LAB_ENV,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    children.push({ name, proc, log, exited });
    return proc;
  }

  function writeConfigs(env: LabEnv): string {
    for (const i of [1, 2]) {
      writeFileSync(
        join(dir, `simulator-segw${i}.yaml`),
        `http: { enabled: true, host: 127.0.0.1, port: ${SIMULATOR_HTTP_PORT} }\n` +
          `instances:\n  - { name: ${serverOf(i)}, host: 10.2.0.1, port: ${INSUPC_PORT}, dbStatus: MA }\n`,
      );
    }
    writeFileSync(join(dir, 'oam-conf.json'), '{"appStates":{"insupclient":"RUNNING"}}');
    const gateway = {
      application: { 'state-server': { 'stat-file': '' }, shutdown: { 'drain-timeout': 500 } },
      server: { host: '127.0.0.1', port: ADMIN_PORT },
      tcp: { server: { host: '127.0.0.1', port: SIPSVC_PORT } },
      logging: { level: process.env.TEST_LOG_LEVEL ?? 'info' },
      security: {
        'allowed-clients': [
          { ip: '127.0.0.1', mac: '000000000001', 'auth-key': 'TEST_AUTH_KEY_001' },
        ],
      },
      // Section 5.3's measurement settings: the INSUPC side sees a dead path within 800 ms.
      insupc: {
        clients: [
          {
            name: 'INSUPC-1',
            host: '10.2.0.1',
            port: INSUPC_PORT,
            'segw-connection': 'insupc-tunnel',
            'connect-timeout': 1000,
            'read-timeout': 1000,
            'retry-interval': 200,
            'heartbeat-interval': 500,
            'heartbeat-timeout': 300,
            'heartbeat-max-misses': 1,
          },
        ],
      },
      message: { 'session-timeout': 2000 },
      oam: { config: { path: join(dir, 'oam-conf.json') } },
      segw: {
        enabled: true,
        'vici-socket': env.SEGW_LAB_VICI,
        'history-file': join(dir, 'segw-history.json'),
        policy: {
          'max-retries': 3,
          'backoff-base': 200,
          'backoff-max': 60000,
          'initiate-timeout': 5000,
          'probe-timeout': 1000,
          'insupc-loss-probe': true,
        },
        // DPD as in production: alone it would take over 30 s to see a dead SEGW
        ...labTunnel(env, '30s'),
      },
    };
    // JSON is YAML: no serializer needed.
    const path = join(dir, 'insupclient.yaml');
    writeFileSync(path, JSON.stringify(gateway, null, 2));
    return path;
  }

  beforeAll(async () => {
    for (const f of [GATEWAY_MAIN, SIMULATOR_MAIN, SIPSVC_CLIENT]) {
      if (!existsSync(f)) throw new Error(`${f} missing: run "npm run build" first`);
    }
    labStarted = true; // from here on afterAll tears down, even if `up` fails half-way
    const env = labUp(LAB_ENV, 2);
    const config = writeConfigs(env);
    for (const i of [1, 2]) {
      startIn(
        `segw${i}`,
        `simulator-segw${i}`,
        SIMULATOR_MAIN,
        '--config',
        join(dir, `simulator-segw${i}.yaml`),
      );
    }
    startIn('init', 'gateway', GATEWAY_MAIN, '--config', config);
    const errFd = openSync(join(dir, 'probe.err'), 'a');
    probe = spawn(
      'bash',
      [
        LAB_SCRIPT,
        'exec',
        'init',
        process.execPath,
        '-e',
        PROBE_SCRIPT,
        SIPSVC_CLIENT,
        String(SIPSVC_PORT),
        String(PROBE_INTERVAL_MS),
      ],
      { env: LAB_ENV, stdio: ['pipe', 'pipe', errFd] },
    );
    closeSync(errFd);
    let pending = '';
    probe.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        if (line.startsWith('{')) results.push(JSON.parse(line) as ProbeResult);
        pending = pending.slice(nl + 1);
      }
    });
  }, 300_000);

  afterAll(async () => {
    probe?.stdin?.end();
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGTERM');
    const all = Promise.all([
      ...children.map((c) => c.exited),
      probe
        ? new Promise<void>((r) =>
            probe!.exitCode !== null ? r() : probe!.once('exit', () => r()),
          )
        : undefined,
    ]);
    await Promise.race([all, new Promise((r) => setTimeout(r, 5000).unref())]);
    for (const c of [...children.map((c) => c.proc), probe])
      if (c && c.exitCode === null) c.kill('SIGKILL');
    // down also kills anything still running inside the lab's namespaces.
    if (labStarted) labDown(LAB_ENV);
    rmSync(dir, { recursive: true, force: true });
  }, 70_000);

  /** INSUPC-loss probes the initiator charon started so far (its log, appended across runs). */
  const lossProbes = () =>
    readFileSync(join(LAB_ENV.LAB_DIR, 'init', 'charon.log'), 'utf8').split(
      'initiating IKE_SA insupc-tunnel-probe',
    ).length - 1;

  /** On a failure, the logs of every child say why. */
  const explain = async <T>(body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (e) {
      const tail = (f: string) =>
        existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-25).join('\n') : '';
      const logs = children.map((c) => `--- ${c.name} (${c.log})\n${tail(c.log)}`).join('\n');
      const last = results
        .slice(-10)
        .map((r) => JSON.stringify(r))
        .join('\n');
      throw new Error(
        `${(e as Error).message}\n--- last probe results\n${last}\n${logs}\n--- probe\n${tail(join(dir, 'probe.err'))}`,
      );
    }
  };

  it('executes succeed through the tunnel via SEGW 1 only', () =>
    explain(async () => {
      // Ready = five answers in a row served behind SEGW 1.
      await pollFor(
        'five executes in a row answered via SEGW 1',
        () =>
          results.length >= 5 && results.slice(-5).every((r) => good(r, 1)) ? true : undefined,
        30_000,
      );
      expect(results.some((r) => r.server === serverOf(2))).toBe(false);
      const segw = await getJsonIn<SegwView>('init', ADMIN_PORT, '/segw');
      expect(segw.connections[0]).toMatchObject({
        name: 'insupc-tunnel',
        state: 'UP',
        current: SEGW_ADDR[1],
      });
      const s2 = await getJsonIn<SimulatorStats>(
        'segw2',
        SIMULATOR_HTTP_PORT,
        '/api/simulator/stats',
      );
      expect(s2.instances[serverOf(2)].received.DB_QUERY_REQUEST ?? 0).toBe(0);
    }));

  it('SEGW 1 killed (DPD 30 s): the INSUPC loss probe finds it dead, first good execute via SEGW 2 within 3 s', () =>
    explain(async () => {
      const from = results.length;
      const killedAt = Date.now();
      lab('stop-segw', '1');
      const recovered = await pollFor(
        'an execute answered via SEGW 2',
        () => {
          const i = results.findIndex((r, idx) => idx >= from && good(r, 2));
          return i >= 0 ? i : undefined;
        },
        30_000,
      );
      const after = results.slice(from);
      const firstFailed = after.find((r) => r.result !== 0);
      const firstGood = results[recovered];
      expect(firstFailed).toBeDefined();
      // Outage as a client sees it: from sending the first execute that failed to the
      // answer of the first one that succeeded again.
      const outageMs = firstGood.answered - firstFailed!.sent;
      const failoverMs = firstGood.answered - killedAt;
      const failures = after.filter((r) => r.answered <= firstGood.answered && r.result !== 0);
      const byKind = new Map<string, number>();
      for (const r of failures) {
        const kind = `result ${r.result} "${r.desc}"`;
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      }
      const kinds = [...byKind].map(([kind, n]) => `${n}x ${kind}`).join(', ');
      process.stderr.write(
        `\nSEGW data plane (fast detection, DPD 30 s): SEGW 1 killed -> first good execute via SEGW 2 after ${failoverMs} ms; ` +
          `outage (first failed execute sent -> first good answered) ${outageMs} ms, ` +
          `${failures.length} failed executes (${kinds})\n`,
      );
      // Every failed execute got an answer from the gateway (never silence, never a drop).
      expect(failures.every((r) => r.result !== null)).toBe(true);
      expect(failoverMs).toBeLessThan(3000);

      // Stable on SEGW 2: the next five answers all come from behind it.
      await pollFor(
        'five more executes via SEGW 2',
        () => (results.length >= recovered + 6 ? true : undefined),
        10_000,
      );
      expect(results.slice(recovered, recovered + 6).every((r) => good(r, 2))).toBe(true);

      const segw = await getJsonIn<SegwView>('init', ADMIN_PORT, '/segw');
      expect(segw.connections[0]).toMatchObject({ state: 'UP', current: SEGW_ADDR[2] });
      const h = await getJsonIn<HistoryView>('init', ADMIN_PORT, '/segw/history?limit=5');
      expect(h.history[0]).toMatchObject({
        from: SEGW_ADDR[1],
        to: SEGW_ADDR[2],
        reason: 'insupc-lost',
        result: 'success',
      });
      const s2 = await getJsonIn<SimulatorStats>(
        'segw2',
        SIMULATOR_HTTP_PORT,
        '/api/simulator/stats',
      );
      expect(s2.instances[serverOf(2)].received.DB_QUERY_REQUEST).toBeGreaterThanOrEqual(6);
    }));

  it('INSUPC simulator behind SEGW 2 killed, SEGW 2 alive: the probe answers, no failover, the log line', () =>
    explain(async () => {
      const before = await getJsonIn<HistoryView>('init', ADMIN_PORT, '/segw/history?limit=1000');
      const probesBefore = lossProbes();
      const sim = children.find((c) => c.name === 'simulator-segw2')!;
      sim.proc.kill('SIGKILL');
      await sim.exited;
      const line = `SEGW ${SEGW_ADDR[2]} answers; INSUPC loss through 'insupc-tunnel' is not the tunnel`;
      const gatewayLog = children.find((c) => c.name === 'gateway')!.log;
      await pollFor(
        'the probe answered',
        () => (readFileSync(gatewayLog, 'utf8').includes(line) ? true : undefined),
        10_000,
      );
      const segw = await getJsonIn<SegwView>('init', ADMIN_PORT, '/segw');
      expect(segw.connections[0]).toMatchObject({ state: 'UP', current: SEGW_ADDR[2] });
      const after = await getJsonIn<HistoryView>('init', ADMIN_PORT, '/segw/history?limit=1000');
      expect(after.history).toEqual(before.history);
      expect(lossProbes()).toBe(probesBefore + 1);
    }));
});
