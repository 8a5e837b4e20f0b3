/** One cell of the bench matrix: one path at one shape, measured from outside. */
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import type { BenchOptions, PathName, Shape } from './bench-options';
import type { ProbeReport } from './bench-probe-report';
import { procStats, sampleRss } from './bench-processes';
import { runLoadgen } from './lib/processes';

export interface CellResult {
  path: PathName;
  shape: string;
  rep: number;
  /** the machine's 1-minute load average when the cell started (others' work shows here). */
  load1: number;
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  exactlyOnce: boolean;
  sent: number;
  answered: number;
  results: Record<string, number>;
  errors: string[];
  /** the process between load generator and simulator (gateway, HAProxy, floor, ideal); null: direct. */
  middle: {
    cpuSecondsPer1k: number;
    cpuPct: number;
    /** % of that CPU spent in the kernel (the rest is the process's own code). */
    kernelPct: number;
    peakRssMb: number;
    /** % of the cell its main thread was runnable but waited for a core (machine noise). */
    runQueuePct: number;
  } | null;
  /** busiest simulator process, % of one core over the cell (≈100: it is the ceiling). */
  simCpuPct: number;
  /** gateway only: its own execute histogram (received → answered) over the cell, ms. */
  gatewayExecuteMs?: { p50: number; p99: number; count: number };
  probe?: ProbeReport;
}

export interface CellTargets {
  /** the port the load generator connects to, per path. */
  ports: Record<PathName, number[]>;
  middle: Partial<Record<PathName, ChildProcess>>;
  simulators: ChildProcess[];
  gatewayHttpPort: number | undefined;
  /** path gateway-tls: its admin port, and the CA (its self-signed certificate) to trust. */
  tlsGateway?: { httpPort: number; ca: string };
}

export async function runCell(
  o: BenchOptions,
  path: PathName,
  shape: Shape,
  rep: number,
  t: CellTargets,
): Promise<CellResult> {
  const middle = t.middle[path];
  const gateway = path === 'gateway' || path === 'gateway-tls';
  const sipsvc = gateway || path === 'floor' || path === 'ideal';
  const httpPort = path === 'gateway-tls' ? t.tlsGateway?.httpPort : t.gatewayHttpPort;
  const before = procStats(middle?.pid);
  const simBefore = t.simulators.map((c) => procStats(c.pid).cpuSeconds);
  const metricsBefore = gateway ? await executeBuckets(httpPort) : undefined;
  if (gateway && o.probe) await probe(middle!, 'reset');
  const load1 = loadavg()[0];
  const peakRss = sampleRss(middle?.pid);
  const started = performance.now();
  const report = await runLoadgen(sipsvc ? 'sipsvc-loadgen' : 'insupc-loadgen', [
    '--port',
    t.ports[path].join(','),
    ...(sipsvc ? ['--framing', o.framing] : []),
    ...(path === 'gateway-tls' && t.tlsGateway ? ['--tls-ca', t.tlsGateway.ca] : []),
    '--connections',
    String(shape.connections),
    ...(shape.rate > 0 ? ['--rate', String(shape.rate)] : ['--window', String(shape.window)]),
    '--warmup',
    String(o.warmup),
    '--duration',
    String(o.seconds),
  ]);
  const wall = (performance.now() - started) / 1000;
  const peak = peakRss();
  const after = procStats(middle?.pid);
  const cpu = after.cpuSeconds - before.cpuSeconds;
  const simPct = t.simulators.map((c, i) => procStats(c.pid).cpuSeconds - simBefore[i]);
  const l = report.latencyMs;
  const cell: CellResult = {
    path,
    shape: shape.name,
    rep,
    load1: Math.round(load1 * 10) / 10,
    throughput: report.throughput,
    p50: l.p50,
    p90: l.p90,
    p99: l.p99,
    max: l.max,
    exactlyOnce: report.exactlyOnce,
    sent: report.sent,
    answered: report.answered,
    results: report.results,
    errors: report.errors,
    middle: middle
      ? {
          cpuSecondsPer1k: report.answered > 0 ? (cpu / report.answered) * 1000 : 0,
          cpuPct: Math.round((cpu / wall) * 100),
          kernelPct:
            cpu > 0 ? Math.round(((after.systemSeconds - before.systemSeconds) / cpu) * 100) : 0,
          peakRssMb: Math.round(peak),
          runQueuePct: Math.round(((after.runQueueSeconds - before.runQueueSeconds) / wall) * 100),
        }
      : null,
    simCpuPct: Math.round((Math.max(...simPct) / wall) * 100),
  };
  if (gateway && metricsBefore) {
    const metricsAfter = await executeBuckets(httpPort);
    if (metricsAfter) cell.gatewayExecuteMs = quantiles(metricsBefore, metricsAfter);
  }
  if (gateway && o.probe) cell.probe = (await probe(middle!, 'dump')) as ProbeReport;
  return cell;
}

function probe(gateway: ChildProcess, command: 'reset' | 'dump'): Promise<unknown> {
  return new Promise((resolve) => {
    const on = (m: { probe?: unknown }): void => {
      if (m && typeof m === 'object' && 'probe' in m) {
        gateway.off('message', on);
        resolve(m.probe);
      }
    };
    gateway.on('message', on);
    gateway.send({ probe: command });
  });
}

/** cumulative counts of the gateway's execute histogram (result 0) by upper bound in s. */
async function executeBuckets(
  httpPort: number | undefined,
): Promise<Map<number, number> | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    const buckets = new Map<number, number>();
    const re = /^insupclient_execute_duration_seconds_bucket\{le="([^"]+)",result="0"\} (\d+)/gm;
    for (const m of text.matchAll(re)) buckets.set(Number(m[1]), Number(m[2]));
    return buckets;
  } catch {
    return undefined;
  }
}

/** p50/p99 of what was observed between two scrapes, as bucket upper bounds (ms). */
function quantiles(before: Map<number, number>, after: Map<number, number>) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const cum = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const count = cum[cum.length - 1] ?? 0;
  const at = (q: number): number => {
    const i = cum.findIndex((c) => c >= q * count);
    return i < 0 || !Number.isFinite(bounds[i]) ? Infinity : bounds[i] * 1000;
  };
  return { p50: at(0.5), p99: at(0.99), count };
}
