/**
 * Preloaded into the gateway by `npm run bench -- --probe` (node --require): measures, from
 * inside the process but without touching its code, where the loop's time goes.
 *
 * - event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution);
 * - GC pauses by kind (PerformanceObserver 'gc');
 * - every timer callback's duration, by function name or (intervals) the line that created it;
 * - the synchronous part of every socket 'data' handler, SIPSVC vs INSUPC side (what one read
 *   costs before the loop can take the next event).
 *
 * Driven over the IPC channel: {probe:'reset'} starts a window, {probe:'dump'} answers with a
 * ProbeReport for it. Inert when the process has no IPC channel.
 */
import * as net from 'node:net';
import {
  constants,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
} from 'node:perf_hooks';
import * as timers from 'node:timers';
import { promisify } from 'node:util';
import { LatencyHistogram } from '../apps/sipsvc-loadgen/src/latency-histogram';
import type { DurationStats, ProbeReport } from './bench-probe-report';

class Durations {
  private readonly byLabel = new Map<
    string,
    { h: LatencyHistogram; total: number; bytes: number }
  >();

  record(label: string, ms: number, bytes = 0): void {
    let e = this.byLabel.get(label);
    if (!e) this.byLabel.set(label, (e = { h: new LatencyHistogram(), total: 0, bytes: 0 }));
    e.h.record(ms * 1000);
    e.total += ms;
    e.bytes += bytes;
  }

  report(): Record<string, DurationStats & { bytes: number }> {
    const out: Record<string, DurationStats & { bytes: number }> = {};
    for (const [k, e] of this.byLabel) {
      out[k] = {
        count: e.h.count,
        totalMs: e.total,
        p99Ms: e.h.percentile(99) / 1000,
        maxMs: e.h.max / 1000,
        bytes: e.bytes,
      };
    }
    return out;
  }

  clear(): void {
    this.byLabel.clear();
  }
}

const timerDurations = new Durations();
const readDurations = new Durations();
const gcDurations = new Durations();
const loop = monitorEventLoopDelay({ resolution: 1 });
let windowStart = performance.now();

function callerSite(): string {
  const line = (new Error().stack ?? '').split('\n')[3] ?? '';
  const m = /([^/\\(]+):(\d+):\d+\)?$/.exec(line.trim());
  return m ? `${m[1]}:${m[2]}` : 'unknown';
}

function timed<A extends unknown[]>(label: string, fn: (...a: A) => void) {
  return function (this: unknown, ...args: A): void {
    const t0 = performance.now();
    try {
      fn.apply(this, args);
    } finally {
      timerDurations.record(label, performance.now() - t0);
    }
  };
}

function wrapTimers(): void {
  const origInterval = globalThis.setInterval;
  const origTimeout = globalThis.setTimeout;
  const setIntervalTimed = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    origInterval(
      timed(`interval ${fn.name || callerSite()}`, fn),
      ms,
      ...args,
    )) as typeof setInterval;
  const setTimeoutTimed = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    origTimeout(timed(`timeout ${fn.name || 'anonymous'}`, fn), ms, ...args)) as typeof setTimeout;
  const custom = (origTimeout as unknown as Record<symbol, unknown>)[promisify.custom];
  Object.assign(setTimeoutTimed, { [promisify.custom]: custom });
  globalThis.setInterval = setIntervalTimed;
  globalThis.setTimeout = setTimeoutTimed;
  (timers as { setInterval: unknown }).setInterval = setIntervalTimed;
  (timers as { setTimeout: unknown }).setTimeout = setTimeoutTimed;
}

function wrapSocketReads(sipsvcPort: number): void {
  const side = Symbol('bench-probe side');
  const proto = net.Socket.prototype as net.Socket & { [side]?: string };
  const emit = proto.emit as (this: unknown, event: string | symbol, ...a: unknown[]) => boolean;
  proto.emit = function (
    this: net.Socket & { [side]?: string },
    event: string | symbol,
    ...args: unknown[]
  ) {
    if (event !== 'data') return emit.call(this, event, ...args);
    const label = (this[side] ??= this.localPort === sipsvcPort ? 'sipsvc read' : 'insupc read');
    const t0 = performance.now();
    try {
      return emit.call(this, event, ...args);
    } finally {
      readDurations.record(label, performance.now() - t0, (args[0] as Buffer).length);
    }
  } as typeof proto.emit;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-sweep',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-cb',
};

function report(): ProbeReport {
  const mb = (b: number): number => b / 1048576;
  const m = process.memoryUsage();
  const ms = (ns: number): number => ns / 1e6;
  return {
    seconds: (performance.now() - windowStart) / 1000,
    loopDelay: {
      p50: ms(loop.percentile(50)),
      p99: ms(loop.percentile(99)),
      max: ms(loop.max),
      mean: ms(loop.mean),
    },
    gc: gcDurations.report(),
    timers: timerDurations.report(),
    reads: readDurations.report(),
    memory: {
      rssMb: mb(m.rss),
      heapUsedMb: mb(m.heapUsed),
      heapTotalMb: mb(m.heapTotal),
      externalMb: mb(m.external),
    },
  };
}

function reset(): void {
  loop.reset();
  gcDurations.clear();
  timerDurations.clear();
  readDurations.clear();
  windowStart = performance.now();
}

if (process.send && process.channel) {
  wrapTimers();
  wrapSocketReads(Number(process.env.BENCH_PROBE_SIPSVC_PORT));
  loop.enable();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = ((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? 0;
      gcDurations.record(GC_KINDS[kind] ?? `kind ${kind}`, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('message', (m: { probe?: string }) => {
    if (m?.probe === 'reset') {
      reset();
      process.send!({ probe: 'ok' });
    } else if (m?.probe === 'dump') {
      process.send!({ probe: report() });
    }
  });
  process.channel.unref();
}
