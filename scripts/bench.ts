/**
 * `npm run bench [-- --seconds 10 --warmup 5 --connections 4 --window 32 --pool 2 --cpu-prof]`:
 * end-to-end gateway throughput on this machine.
 *
 * Three processes: the INSUPC simulator (this script forked with --simulator-child: two MA
 * instances on ephemeral loopback ports), the built gateway (dist/src/main.js with a temp
 * config: loopback, ephemeral-ish ports, log level warn, stat-file off, limits far above the
 * offered load) and the load generator (dist/apps/sipsvc-loadgen). All three share this
 * machine's cores, so the figure is for the whole system, not the gateway alone; the gateway's
 * own CPU time is printed beside it. --cpu-prof writes the gateway's V8 profile to
 * .bench-profiles/ (summarise it with `node dist/scripts/bench-profile-summary.js <file>`).
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../apps/insupc-simulator/src/insupc-simulator';
import type { LoadReport } from '../apps/sipsvc-loadgen/src/load-generator';
import { cpuSeconds, exited, freePort, runLoadgen, waitReady } from './lib/processes';

const dist = join(__dirname, '..');
const root = join(dist, '..');

interface BenchOptions {
  seconds: number;
  warmup: number;
  connections: number;
  window: number;
  pool: number;
  framing: string;
  cpuProf: boolean;
}

function options(argv: string[]): BenchOptions {
  const num = (name: string, dflt: number): number => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : dflt;
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
    return v;
  };
  const i = argv.indexOf('--framing');
  return {
    seconds: num('seconds', 10),
    warmup: num('warmup', 5),
    connections: num('connections', 4),
    window: num('window', 32),
    pool: num('pool', 2),
    framing: i >= 0 ? argv[i + 1] : 'json-stream',
    cpuProf: argv.includes('--cpu-prof'),
  };
}

/** Child role: the simulator, silent, reporting its ports over IPC; stops on 'stop'. */
async function simulatorChild(): Promise<void> {
  const sim = await startSimulator({
    instances: [
      { name: 'INSUPC-1', dbStatus: 'MA' },
      { name: 'INSUPC-2', dbStatus: 'MA' },
    ],
    logger: false,
  });
  process.on('message', (msg) => {
    if (msg === 'stop') void sim.stop().then(() => process.exit(0));
  });
  process.send!({ ports: [sim.port('INSUPC-1'), sim.port('INSUPC-2')] });
}

function gatewayConfig(
  o: BenchOptions,
  http: number,
  sipsvc: number,
  insupc: number[],
  dir: string,
) {
  const clients = insupc
    .map(
      (port, i) =>
        `    - { name: INSUPC-${i + 1}, host: 127.0.0.1, port: ${port}, connection-pool-size: ${o.pool} }`,
    )
    .join('\n');
  return `# written by scripts/bench.ts
application:
  state-server: { stat-file: "" }
  shutdown: { drain-timeout: 2000 }
server: { host: 127.0.0.1, port: ${http} }
tcp:
  server: { host: 127.0.0.1, port: ${sipsvc}, framing: ${o.framing}, max-connections: 1000 }
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
  config: { path: ${join(dir, 'oam-conf.json')} }
logging: { level: warn }
`;
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'insupclient-bench-'));
  const sim = fork(__filename, ['--simulator-child'], { stdio: 'inherit' });
  let gateway: ChildProcess | undefined;
  try {
    const insupcPorts = await new Promise<number[]>((resolve, reject) => {
      sim.once('message', (m) => resolve((m as { ports: number[] }).ports));
      sim.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
    });
    const [httpPort, sipsvcPort] = [await freePort(), await freePort()];
    const configPath = join(dir, 'gateway.yaml');
    writeFileSync(configPath, gatewayConfig(o, httpPort, sipsvcPort, insupcPorts, dir));
    const nodeArgs = o.cpuProf
      ? ['--cpu-prof', `--cpu-prof-dir=${join(root, '.bench-profiles')}`]
      : [];
    gateway = spawn(
      process.execPath,
      [...nodeArgs, join(dist, 'src/main.js'), '--config', configPath],
      { stdio: ['ignore', 'ignore', 'inherit'], cwd: root },
    );
    await waitReady(httpPort, gateway);
    const cpuBefore = await cpuSeconds(gateway.pid!);
    const report = await runLoadgen(dist, root, [
      '--port',
      String(sipsvcPort),
      '--framing',
      o.framing,
      '--connections',
      String(o.connections),
      '--window',
      String(o.window),
      '--warmup',
      String(o.warmup),
      '--duration',
      String(o.seconds),
    ]);
    const cpu = (await cpuSeconds(gateway.pid!)) - cpuBefore;
    print(o, report, cpu);
    if (!report.exactlyOnce) process.exitCode = 1;
  } finally {
    if (gateway && gateway.exitCode === null) {
      gateway.kill('SIGTERM');
      await exited(gateway);
    }
    sim.send('stop');
    await exited(sim);
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(o: BenchOptions, r: LoadReport, gatewayCpu: number): void {
  const l = r.latencyMs;
  const results = Object.entries(r.results)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const lines = [
    `bench: ${cpus().length} CPU cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`,
    `  simulator, gateway and load generator share these cores: the figure is for all three`,
    `  gateway: 2 INSUPC servers x pool ${o.pool}, ${o.framing}, log level warn`,
    `  load: ${r.mode}, ${r.connections} connections, warm-up ${o.warmup} s, measured ${r.measuredSeconds} s`,
    `throughput   ${r.throughput} executes/s`,
    `latency ms   p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}`,
    `sent ${r.sent}, answered ${r.answered}, results {${results}}, exactly once: ${r.exactlyOnce ? 'yes' : 'NO'}`,
    `gateway CPU  ${gatewayCpu.toFixed(2)} s during the run (warm-up + measured)` +
      (gatewayCpu > 0
        ? ` (≈${Math.round(r.answered / gatewayCpu)} executes per gateway CPU-second)`
        : ''),
    ...r.errors.map((e) => `error        ${e}`),
  ];
  console.log(lines.join('\n'));
}

if (process.argv.includes('--simulator-child')) {
  void simulatorChild();
} else {
  main().catch((e: unknown) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
