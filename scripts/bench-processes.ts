/** The processes `npm run bench` starts and watches: simulators, gateway, HAProxy, the floor and the ideal translator. */
import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { forkSimulator } from '../apps/insupc-simulator/bench/simulator-child';
import type { BenchOptions } from './bench-options';
import { dist, exited, freePort, root, waitReady } from './lib/processes';

export interface Simulators {
  children: ChildProcess[];
  /** INSUPC-1's port, then INSUPC-2's. */
  ports: number[];
}

/** Two MA instances: in one process, or one per process (`o.simulators` = 2). */
export async function startSimulators(o: BenchOptions): Promise<Simulators> {
  const groups = o.simulators >= 2 ? ['INSUPC-1', 'INSUPC-2'] : ['INSUPC-1,INSUPC-2'];
  const forked = await Promise.all(groups.map((g) => forkSimulator(g.split(','))));
  return { children: forked.map((f) => f.child), ports: forked.flatMap((f) => f.ports) };
}

export function stopSimulators(s: Simulators | undefined): Promise<unknown> {
  if (!s) return Promise.resolve();
  return Promise.all(
    s.children.map((c) => {
      if (c.exitCode === null && c.connected) c.send('stop');
      return exited(c);
    }),
  );
}

function gatewayConfig(
  o: BenchOptions,
  http: number,
  sipsvc: number,
  insupc: number[],
  dir: string,
  tls: BenchTls | undefined,
) {
  const tlsKeys = tls
    ? `, tls: { enabled: true, cert-file: ${tls.cert}, key-file: ${tls.key} }`
    : '';
  const clients = insupc
    .map(
      (port, i) =>
        `    - { name: INSUPC-${i + 1}, host: 127.0.0.1, port: ${port}, connection-pool-size: ${o.pool} }`,
    )
    .join('\n');
  return `# written by scripts/bench-processes.ts
application:
  state-server: { stat-file: "" }
  shutdown: { drain-timeout: 2000 }
server: { host: 127.0.0.1, port: ${http} }
tcp:
  server: { host: 127.0.0.1, port: ${sipsvc}, framing: ${o.framing}, max-connections: 1000${tlsKeys} }
security:
  allowed-clients:
    - { ip: "127.0.0.1", mac: "000000000001", auth-key: "TEST_AUTH_KEY_001" }
insupc:
  clients:
${clients}
worker: { queue-capacity: 100000, concurrency: 1024 }
tps: { max-tps: 10000000, window-size: 1000 }
message: { max-sessions: 1000000, session-timeout: 30000 }
oam:
  config: { path: ${join(dir, tls ? 'oam-conf-tls.json' : 'oam-conf.json')} }
logging: { level: warn }
`;
}

export interface Gateway {
  child: ChildProcess;
  httpPort: number;
  sipsvcPort: number;
}

/** a self-signed certificate for 127.0.0.1 / localhost (openssl CLI), also the clients' CA. */
export interface BenchTls {
  cert: string;
  key: string;
}

export function makeBenchTls(dir: string): BenchTls {
  const tls = { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      ...['-keyout', tls.key, '-out', tls.cert],
    ],
    { stdio: 'ignore' },
  );
  return tls;
}

/**
 * The built gateway as a process, with a temp config (limits far above the offered load, log
 * level warn); with `tls` its SIPSVC port speaks TLS (path gateway-tls). With --probe it
 * preloads bench-probe.js and talks to it over IPC; --trace-gc output goes to
 * .bench-profiles/gc-<time>.log.
 */
export async function startGateway(o: BenchOptions, insupc: number[], dir: string, tls?: BenchTls) {
  const [httpPort, sipsvcPort] = [await freePort(), await freePort()];
  const configPath = join(dir, tls ? 'gateway-tls.yaml' : 'gateway.yaml');
  writeFileSync(configPath, gatewayConfig(o, httpPort, sipsvcPort, insupc, dir, tls));
  const profiles = join(root, '.bench-profiles');
  const nodeArgs = [...o.gatewayNodeArgs];
  if (o.cpuProf) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profiles}`);
  if (o.traceGc) nodeArgs.push('--trace-gc');
  if (o.probe) nodeArgs.push('--require', join(__dirname, 'bench-probe.js'));
  let stdout: 'ignore' | number = 'ignore';
  if (o.traceGc) {
    execFileSync('mkdir', ['-p', profiles]);
    stdout = openSync(join(profiles, `gc-${Date.now()}.log`), 'w');
  }
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(dist, 'src/main.js'), '--config', configPath],
    {
      stdio: ['ignore', stdout, 'inherit', ...(o.probe ? (['ipc'] as const) : [])],
      cwd: root,
      env: { ...process.env, BENCH_PROBE_SIPSVC_PORT: String(sipsvcPort) },
    },
  );
  await waitReady(httpPort, child, 30000);
  return { child, httpPort, sipsvcPort };
}

/** HAProxy 2.6 in TCP mode, one thread, round robin over the simulator ports. */
export async function startHaproxy(insupc: number[], dir: string) {
  try {
    execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'haproxy not found: apt-get install haproxy, or run with --paths gateway,direct',
    );
  }
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    [
      'global',
      '  nbthread 1',
      '  maxconn 4000',
      'defaults',
      '  mode tcp',
      '  timeout connect 5s',
      '  timeout client 120s',
      '  timeout server 120s',
      'frontend insupc',
      `  bind 127.0.0.1:${port}`,
      '  default_backend simulators',
      'backend simulators',
      '  balance roundrobin',
      ...insupc.map((p, i) => `  server s${i + 1} 127.0.0.1:${p}`),
      '',
    ].join('\n'),
  );
  const child = spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 10000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error('haproxy not listening within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port };
}

/** the bare-bones translator of the shared bench kit (docs/benchmark.md, "The floor"). */
export const FLOOR_SCRIPT = join(root, '../shared/bench/min-gateway.mjs');

export function floorAvailable(): boolean {
  return existsSync(FLOOR_SCRIPT);
}

/** the least any Node translator spends (docs/benchmark.md); built beside this file. */
export const IDEAL_SCRIPT = join(__dirname, 'bench-ideal-translator.js');

/**
 * A translator (`min-gateway.mjs`, or the ideal one) on the built codec of this checkout:
 * json-stream SIPSVC in, DB_QUERY out over `o.pool` × (simulator ports) connections to the
 * first simulator (it takes one INSUPC port), so it holds as many INSUPC connections as the
 * gateway does.
 */
export async function startTranslator(o: BenchOptions, insupc: number[], script: string) {
  const port = await freePort();
  const pool = String(o.pool * insupc.length);
  const child = fork(
    script,
    ['--main', root, '--port', String(port), '--insupc', String(insupc[0]), '--pool', pool],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], cwd: root },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready within 10 s`)), 10000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code})`));
    });
  });
  return { child, port };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface ProcStats {
  /** user + system, all threads. */
  cpuSeconds: number;
  /** of which in the kernel (system time: syscalls, and on loopback the peer's TCP receive). */
  systemSeconds: number;
  rssMb: number;
  /** main thread: seconds runnable but waiting for a core (others' load shows here). */
  runQueueSeconds: number;
}

/** CPU, resident set and run-queue wait of a process (Linux /proc; 0 elsewhere). */
export function procStats(pid: number | undefined): ProcStats {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const sched = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ');
    return {
      cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100, // utime, stime in clock ticks
      systemSeconds: Number(stat[12]) / 100,
      rssMb: rssKb / 1024,
      runQueueSeconds: Number(sched[1]) / 1e9,
    };
  } catch {
    return { cpuSeconds: 0, systemSeconds: 0, rssMb: 0, runQueueSeconds: 0 };
  }
}

/** Samples a process's RSS every 100 ms until stopped; returns the peak (MB). */
export function sampleRss(pid: number | undefined): () => number {
  let peak = procStats(pid).rssMb;
  const timer = setInterval(() => (peak = Math.max(peak, procStats(pid).rssMb)), 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, procStats(pid).rssMb);
  };
}
