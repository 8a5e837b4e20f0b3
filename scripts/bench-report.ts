/** The bench's table (medians over repetitions, ratios) and its JSON record. */
import type { CellResult } from './bench-cell';
import type { PathName, Shape } from './bench-options';

export interface CellMedian {
  path: PathName;
  shape: string;
  runs: number;
  throughput: number;
  p50: number;
  p99: number;
  max: number;
  /** every run: every request answered exactly once. */
  exactlyOnce: boolean;
  cpuSecondsPer1k: number | null;
  middleCpuPct: number | null;
  /** % of the middle's CPU spent in the kernel; the same for every translator at one shape. */
  middleKernelPct: number | null;
  /** % of the time the gateway/HAProxy main thread waited for a core (others' load). */
  middleWaitPct: number | null;
  peakRssMb: number | null;
  simCpuPct: number;
}

export interface Ratio {
  shape: string;
  /** gateway ÷ HAProxy and gateway ÷ direct: throughput (higher is better) and p99. */
  throughputVsHaproxy: number | null;
  throughputVsDirect: number | null;
  p99VsHaproxy: number | null;
  p99VsDirect: number | null;
  /** gateway ÷ the bare-bones translator: throughput, p99 and CPU per execute. */
  throughputVsFloor: number | null;
  /**
   * the median of gateway ÷ floor exec/s over the repetitions, each run against the floor
   * cell of its own repetition (next to it in time): steadier than the ratio of the medians
   * when the machine's load drifts (`--repeat 9 --seconds 2` for 1x1).
   */
  throughputVsFloorPaired: number | null;
  p99VsFloor: number | null;
  cpuVsFloor: number | null;
}

export interface MemoryReport {
  warmIdleMb: number;
  peak20kMb: number | null;
  endOfLoadMb: number;
  afterIdleMb: number;
  idleSeconds: number;
  /** after-idle RSS within 10 % of warm idle. */
  settled: boolean;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function medians(cells: CellResult[], paths: PathName[], shapes: Shape[]): CellMedian[] {
  const out: CellMedian[] = [];
  for (const shape of shapes) {
    for (const path of paths) {
      const runs = cells.filter((c) => c.path === path && c.shape === shape.name);
      if (runs.length === 0) continue;
      const m = (f: (c: CellResult) => number): number => median(runs.map(f));
      const mid = runs[0].middle
        ? (f: (x: NonNullable<CellResult['middle']>) => number) => m((c) => f(c.middle!))
        : undefined;
      out.push({
        path,
        shape: shape.name,
        runs: runs.length,
        throughput: m((c) => c.throughput),
        p50: m((c) => c.p50),
        p99: m((c) => c.p99),
        max: m((c) => c.max),
        exactlyOnce: runs.every((c) => c.exactlyOnce),
        cpuSecondsPer1k: mid ? mid((x) => x.cpuSecondsPer1k) : null,
        middleCpuPct: mid ? mid((x) => x.cpuPct) : null,
        middleKernelPct: mid ? mid((x) => x.kernelPct) : null,
        middleWaitPct: mid ? mid((x) => x.runQueuePct) : null,
        peakRssMb: mid ? Math.max(...runs.map((c) => c.middle!.peakRssMb)) : null,
        simCpuPct: m((c) => c.simCpuPct),
      });
    }
  }
  return out;
}

/** per repetition, gateway ÷ floor exec/s of one shape; the median, or null without pairs. */
function pairedVsFloor(cells: CellResult[], shape: string): number | null {
  const of = (path: PathName) => cells.filter((c) => c.path === path && c.shape === shape);
  const floors = of('floor');
  const pairs: number[] = [];
  for (const g of of('gateway')) {
    const f = floors.find((c) => c.rep === g.rep);
    if (f && f.throughput > 0) pairs.push(g.throughput / f.throughput);
  }
  return pairs.length ? Math.round(median(pairs) * 100) / 100 : null;
}

export function ratios(rows: CellMedian[], shapes: Shape[], cells: CellResult[]): Ratio[] {
  const div = (a: number | undefined, b: number | undefined): number | null =>
    a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 100) / 100 : null;
  return shapes.map((s) => {
    const at = (p: PathName) => rows.find((r) => r.path === p && r.shape === s.name);
    const [g, h, d, f] = [at('gateway'), at('haproxy'), at('direct'), at('floor')];
    return {
      shape: s.name,
      throughputVsHaproxy: div(g?.throughput, h?.throughput),
      throughputVsDirect: div(g?.throughput, d?.throughput),
      p99VsHaproxy: div(g?.p99, h?.p99),
      p99VsDirect: div(g?.p99, d?.p99),
      throughputVsFloor: div(g?.throughput, f?.throughput),
      throughputVsFloorPaired: pairedVsFloor(cells, s.name),
      p99VsFloor: div(g?.p99, f?.p99),
      cpuVsFloor: div(g?.cpuSecondsPer1k ?? undefined, f?.cpuSecondsPer1k ?? undefined),
    };
  });
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const width = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells
    .map((r) => r.map((c, i) => (i < 2 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  '))
    .join('\n');
}

const n = (v: number | null, digits = 0): string => (v === null ? '-' : v.toFixed(digits));

export function formatTable(
  rows: CellMedian[],
  rs: Ratio[],
  mem: MemoryReport | undefined,
): string {
  const main = table(
    [
      'shape',
      'path',
      'exec/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      '1×',
      'CPU-s/1k',
      'CPU %',
      'kernel %',
      'wait %',
      'RSS MB',
      'sim %',
    ],
    rows.map((r) => [
      r.shape,
      r.path,
      r.throughput,
      r.p50.toFixed(2),
      r.p99.toFixed(2),
      r.max.toFixed(1),
      r.exactlyOnce ? 'yes' : 'NO',
      n(r.cpuSecondsPer1k, 3),
      n(r.middleCpuPct),
      n(r.middleKernelPct),
      n(r.middleWaitPct),
      n(r.peakRssMb),
      r.simCpuPct,
    ]),
  );
  const ratio = table(
    [
      'shape',
      '',
      'gw/haproxy exec/s',
      'gw/direct exec/s',
      'gw/floor exec/s',
      '(paired)',
      'gw/haproxy p99',
      'gw/direct p99',
      'gw/floor p99',
      'gw/floor CPU/exec',
    ],
    rs.map((r) => [
      r.shape,
      '',
      n(r.throughputVsHaproxy, 2),
      n(r.throughputVsDirect, 2),
      n(r.throughputVsFloor, 2),
      n(r.throughputVsFloorPaired, 2),
      n(r.p99VsHaproxy, 2),
      n(r.p99VsDirect, 2),
      n(r.p99VsFloor, 2),
      n(r.cpuVsFloor, 2),
    ]),
  );
  const lines = [main, '', ratio];
  if (mem) {
    lines.push(
      '',
      `gateway RSS: warm idle ${mem.warmIdleMb.toFixed(0)} MB, peak at 20k/s ${n(mem.peak20kMb)} MB, ` +
        `end of load ${mem.endOfLoadMb.toFixed(0)} MB, ${mem.idleSeconds} s later ${mem.afterIdleMb.toFixed(0)} MB ` +
        `(${mem.settled ? 'within' : 'NOT within'} 10 % of warm idle)`,
    );
  }
  return lines.join('\n');
}
