/** What bench-probe.js (inside the gateway) reports for one cell, and its one-paragraph text. */

export interface DurationStats {
  count: number;
  totalMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ProbeReport {
  seconds: number;
  /** perf_hooks.monitorEventLoopDelay (resolution 1 ms), ms. */
  loopDelay: { p50: number; p99: number; max: number; mean: number };
  /** GC pauses by kind (scavenge, mark-sweep, incremental, weak-cb). */
  gc: Record<string, DurationStats>;
  /** timer callbacks by label (function name or where the interval was created). */
  timers: Record<string, DurationStats>;
  /** synchronous part of socket 'data' handlers: SIPSVC reads and INSUPC reads. */
  reads: Record<string, DurationStats & { bytes: number }>;
  /** spans between phases of one execute in 8 (bench-probe-phases.ts). */
  phases: Record<string, DurationStats>;
  /** gateway methods the phase hooks did not find (renamed by a restructuring). */
  phaseHooksMissing: string[];
  memory: {
    rssMb: number;
    heapUsedMb: number;
    heapTotalMb: number;
    externalMb: number;
    /** V8 new_space size (young generation; grows up to --max-semi-space-size). */
    newSpaceMb: number;
  };
}

const f = (n: number): string => (n >= 10 ? n.toFixed(0) : n.toFixed(2));

function stats(name: string, s: DurationStats): string {
  return `${name} ${s.count}× total ${f(s.totalMs)} ms p50 ${f(s.p50Ms)} p99 ${f(s.p99Ms)} max ${f(s.maxMs)}`;
}

export function formatProbe(cell: string, p: ProbeReport): string {
  const d = p.loopDelay;
  const top = (rec: Record<string, DurationStats>, n: number): string =>
    Object.entries(rec)
      .sort((a, b) => b[1].totalMs - a[1].totalMs)
      .slice(0, n)
      .map(([k, v]) => stats(k, v))
      .join('; ') || '-';
  return [
    `  probe ${cell} (${p.seconds.toFixed(1)} s): loop delay p50 ${f(d.p50)} p99 ${f(d.p99)} max ${f(d.max)} ms`,
    `    gc: ${top(p.gc, 4)}`,
    `    reads: ${top(p.reads, 2)}`,
    `    phases (1 in 8): ${p.phaseHooksMissing.length ? `hooks not found: ${p.phaseHooksMissing.join(', ')}` : ''}${top(p.phases, 4)}`,
    `    timers: ${top(p.timers, 6)}`,
    `    memory: rss ${f(p.memory.rssMb)} MB, heap ${f(p.memory.heapUsedMb)}/${f(p.memory.heapTotalMb)} MB, external ${f(p.memory.externalMb)} MB, new space ${f(p.memory.newSpaceMb)} MB`,
  ].join('\n');
}
