/**
 * `npm run bench [-- --quick | --repeat 3 --seconds 5 ...]`: the gateway beside its peers, in
 * one invocation on this machine (docs/benchmark.md).
 *
 * Paths, each at the shapes 1x1, 64x1, 8x32 (closed loop) and 5k/s, 20k/s (open loop):
 * - direct:  binary INSUPC load (apps/insupc-loadgen) straight to the simulator: the upper bound;
 * - haproxy: the same binary load through HAProxy 2.6 in TCP mode (nbthread 1): an L4 proxy;
 * - gateway: SIPSVC JSON load (apps/sipsvc-loadgen) through the built gateway;
 * - gateway-tls (only when named in --paths): the same with TLS on the SIPSVC port.
 * - floor:   the same SIPSVC load through `../shared/bench/min-gateway.mjs`, the least a Node
 *            translator does per execute (skipped with a note where ../shared is absent).
 * - ideal (only when named in --paths): scripts/bench-ideal-translator.ts, the least any Node
 *            translator can spend per execute on Node's public socket API.
 * The simulator runs as two processes (one INSUPC instance each) so it is not the ceiling.
 * Prints per-cell medians over `--repeat` runs, the gateway/peer ratios and the gateway's RSS
 * before, under and after load; writes everything as JSON under bench/results/.
 */
import { ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CellResult, type CellTargets, runCell } from './bench-cell';
import { type BenchOptions, parseBenchArgs, type PathName } from './bench-options';
import {
  floorAvailable,
  IDEAL_SCRIPT,
  FLOOR_SCRIPT,
  type Gateway,
  procStats,
  startTranslator,
  startGateway,
  startHaproxy,
  makeBenchTls,
  startSimulators,
  stopSimulators,
  type Simulators,
} from './bench-processes';
import { formatProbe } from './bench-probe-report';
import { root, stop } from './lib/processes';
import { formatTable, medians, type MemoryReport, ratios } from './bench-report';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describe(c: CellResult): string {
  const mid = c.middle
    ? `, middle CPU ${c.middle.cpuPct} % (kernel ${c.middle.kernelPct} %, waited ${c.middle.runQueuePct} %), RSS ${c.middle.peakRssMb} MB`
    : '';
  const inGw = c.gatewayExecuteMs
    ? `, in-gateway p50 ≤${c.gatewayExecuteMs.p50} p99 ≤${c.gatewayExecuteMs.p99} ms`
    : '';
  return (
    `  [${c.rep}] ${c.shape.padEnd(5)} ${c.path.padEnd(7)} ${String(c.throughput).padStart(6)}/s ` +
    `p50 ${c.p50} p99 ${c.p99} max ${c.max} ms${c.exactlyOnce ? '' : ' NOT EXACTLY ONCE'}` +
    `${mid}, sim ${c.simCpuPct} %${inGw}, load ${c.load1}` +
    (c.errors.length ? `\n      errors: ${c.errors.join('; ')}` : '')
  );
}

/** warm the gateway up, let it idle, and take its RSS: the baseline item 4 returns to. */
async function warmIdleRss(o: BenchOptions, t: CellTargets, gw: ChildProcess): Promise<number> {
  const shape = { name: 'warm-up', connections: 8, window: 32, rate: 0 };
  await runCell(
    { ...o, probe: false, warmup: 0, seconds: Math.max(1, o.warmup) },
    'gateway',
    shape,
    0,
    t,
  );
  await sleep(o.idleWait >= 30 ? 5000 : 1000);
  return procStats(gw.pid).rssMb;
}

async function watchIdle(
  o: BenchOptions,
  gw: ChildProcess,
  warmIdleMb: number,
  cells: CellResult[],
) {
  const endOfLoadMb = procStats(gw.pid).rssMb;
  await sleep(o.idleWait * 1000);
  const afterIdleMb = procStats(gw.pid).rssMb;
  const at20k = cells.filter((c) => c.path === 'gateway' && c.shape === '20k/s');
  const mem: MemoryReport = {
    warmIdleMb,
    peak20kMb: at20k.length ? Math.max(...at20k.map((c) => c.middle!.peakRssMb)) : null,
    endOfLoadMb,
    afterIdleMb,
    idleSeconds: o.idleWait,
    settled: afterIdleMb <= warmIdleMb * 1.1,
  };
  return mem;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const o = parseBenchArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'insupclient-bench-'));
  let sims: Simulators | undefined;
  let gateway: Gateway | undefined;
  let tlsGateway: Gateway | undefined;
  let haproxy: ChildProcess | undefined;
  const translators: ChildProcess[] = [];
  const startedAt = new Date().toISOString();
  const load0 = loadavg()[0];
  if (o.paths.includes('floor') && !floorAvailable()) {
    console.log(`bench: floor path skipped: ${FLOOR_SCRIPT} is absent`);
    o.paths = o.paths.filter((p) => p !== 'floor');
  }
  for (const p of ['floor', 'ideal'] as const) {
    if (o.paths.includes(p) && o.framing !== 'json-stream') {
      console.log(`bench: ${p} path skipped: it frames json-stream only`);
      o.paths = o.paths.filter((q) => q !== p);
    }
  }
  try {
    sims = await startSimulators(o);
    const ports: Record<PathName, number[]> = {
      direct: sims.ports,
      haproxy: [],
      gateway: [],
      'gateway-tls': [],
      floor: [],
      ideal: [],
    };
    const middle: Partial<Record<PathName, ChildProcess>> = {};
    if (o.paths.includes('haproxy')) {
      const h = await startHaproxy(sims.ports, dir);
      haproxy = middle.haproxy = h.child;
      ports.haproxy = [h.port];
    }
    if (o.paths.includes('gateway')) {
      gateway = await startGateway(o, sims.ports, dir);
      middle.gateway = gateway.child;
      ports.gateway = [gateway.sipsvcPort];
    }
    let tlsCa: string | undefined;
    if (o.paths.includes('gateway-tls')) {
      const tls = makeBenchTls(dir);
      tlsCa = tls.cert;
      tlsGateway = await startGateway(o, sims.ports, dir, tls);
      middle['gateway-tls'] = tlsGateway.child;
      ports['gateway-tls'] = [tlsGateway.sipsvcPort];
    }
    for (const [path, script] of [
      ['floor', FLOOR_SCRIPT],
      ['ideal', IDEAL_SCRIPT],
    ] as const) {
      if (!o.paths.includes(path)) continue;
      const f = await startTranslator(o, sims.ports, script);
      middle[path] = f.child;
      translators.push(f.child);
      ports[path] = [f.port];
    }
    const t: CellTargets = {
      ports,
      middle,
      simulators: sims.children,
      gatewayHttpPort: gateway?.httpPort,
      tlsGateway: tlsGateway && tlsCa ? { httpPort: tlsGateway.httpPort, ca: tlsCa } : undefined,
    };
    console.log(
      `bench: ${cpus().length} CPU cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, ` +
        `load average ${load0.toFixed(1)}; ${o.repeat} run(s) × ${o.shapes.length} shapes × ` +
        `${o.paths.join('/')}, ${o.warmup} s warm-up + ${o.seconds} s each; ${o.simulators} simulator process(es)`,
    );
    const warmIdleMb = gateway ? await warmIdleRss(o, t, gateway.child) : 0;
    const cells: CellResult[] = [];
    for (let rep = 1; rep <= o.repeat; rep++) {
      for (const shape of o.shapes) {
        for (const path of o.paths) {
          const cell = await runCell(o, path, shape, rep, t);
          cells.push(cell);
          console.log(describe(cell));
          if (cell.probe) console.log(formatProbe(`${shape.name} ${path}`, cell.probe));
        }
      }
    }
    const mem = gateway ? await watchIdle(o, gateway.child, warmIdleMb, cells) : undefined;
    const rows = medians(cells, o.paths, o.shapes);
    const rs = ratios(rows, o.shapes, cells);
    console.log(`\nmedians of ${o.repeat} run(s):\n` + formatTable(rows, rs, mem));
    const out = o.out ?? join(root, 'bench/results', `${startedAt.replace(/[:.]/g, '-')}.json`);
    mkdirSync(join(out, '..'), { recursive: true });
    const machine = {
      cores: cpus().length,
      model: cpus()[0]?.model,
      node: process.version,
      loadAverageAtStart: load0,
      loadAverageAtEnd: loadavg()[0],
    };
    writeFileSync(
      out,
      JSON.stringify(
        {
          startedAt,
          label: o.label,
          commit: gitCommit(),
          machine,
          options: o,
          medians: rows,
          ratios: rs,
          memory: mem,
          cells,
        },
        null,
        1,
      ) + '\n',
    );
    console.log(`\nwritten to ${out}`);
    if (cells.some((c) => !c.exactlyOnce)) process.exitCode = 1;
  } finally {
    await stop(gateway?.child);
    await stop(tlsGateway?.child);
    await stop(haproxy);
    for (const child of translators) await stop(child);
    await stopSimulators(sims);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
