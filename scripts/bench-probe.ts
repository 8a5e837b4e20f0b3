/**
 * Preloaded into the gateway by `npm run bench -- --probe` (node --require): measures, from
 * inside the process but without touching its code, where the loop's time goes.
 *
 * - event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution);
 * - GC pauses by kind (PerformanceObserver 'gc');
 * - every timer and immediate callback's duration (its synchronous part), by function name and
 *   the line that scheduled it (setTimeout: name only);
 * - the synchronous part of every socket 'data' handler, SIPSVC vs INSUPC side (what one read
 *   costs before the loop can take the next event).
 *
 * With BENCH_PROBE_NO_ALS=1 it also turns nestjs-pino's per-HTTP-request AsyncLocalStorage.run
 * into a plain call, to measure what the promise hooks that one HTTP request enables for the
 * whole process (Node 20) cost the SIPSVC path. An experiment only: HTTP log lines then lose
 * their request context.
 *
 * Driven over the IPC channel: {probe:'reset'} starts a window, {probe:'dump'} answers with a
 * ProbeReport for it. Inert when the process has no IPC channel.
 */
import { createRequire } from 'node:module';
import * as net from 'node:net';
import { join } from 'node:path';
import {
  constants,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
} from 'node:perf_hooks';
import timers from 'node:timers';
import { promisify } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { LatencyHistogram } from '../apps/sipsvc-loadgen/src/latency-histogram';
import { installPhaseProbe } from './bench-probe-phases';
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
        p50Ms: e.h.percentile(50) / 1000,
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
const phaseDurations = new Durations();
let phaseHooksMissing: string[] = [];
const loop = monitorEventLoopDelay({ resolution: 1 });
let windowStart = performance.now();

/** `file:line` of the first stack frame outside this file: where a timer was scheduled. */
function callerSite(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const line = frames.find((f) => !f.includes('bench-probe')) ?? '';
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

/** a label per callback function, the stack walked once per function object. */
const sites = new WeakMap<object, string>();
function siteOf(kind: string, fn: (...a: never[]) => void): string {
  let label = sites.get(fn);
  if (!label) sites.set(fn, (label = `${kind} ${fn.name || 'anonymous'} ${callerSite()}`));
  return label;
}

function wrapTimers(): void {
  const orig = {
    setInterval: globalThis.setInterval,
    setTimeout: globalThis.setTimeout,
    setImmediate: globalThis.setImmediate,
  };
  const wrapped = {
    setInterval: ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
      orig.setInterval(timed(siteOf('interval', fn), fn), ms, ...args)) as typeof setInterval,
    // setTimeout closures are often new per call: name only, no stack walk
    setTimeout: ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
      orig.setTimeout(
        timed(`timeout ${fn.name || 'anonymous'}`, fn),
        ms,
        ...args,
      )) as typeof setTimeout,
    setImmediate: ((fn: (...a: unknown[]) => void, ...args: unknown[]) =>
      orig.setImmediate(timed(siteOf('immediate', fn), fn), ...args)) as typeof setImmediate,
  };
  for (const name of ['setTimeout', 'setImmediate'] as const) {
    const custom = (orig[name] as unknown as Record<symbol, unknown>)[promisify.custom];
    Object.assign(wrapped[name], { [promisify.custom]: custom });
  }
  Object.assign(globalThis, wrapped);
  Object.assign(timers, wrapped);
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
    phases: phaseDurations.report(),
    phaseHooksMissing,
    memory: {
      rssMb: mb(m.rss),
      heapUsedMb: mb(m.heapUsed),
      heapTotalMb: mb(m.heapTotal),
      externalMb: mb(m.external),
      newSpaceMb: mb(
        getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_size ?? 0,
      ),
    },
  };
}

function reset(): void {
  loop.reset();
  gcDurations.clear();
  timerDurations.clear();
  readDurations.clear();
  phaseDurations.clear();
  windowStart = performance.now();
}

function disableHttpLogContext(): void {
  const { storage } = createRequire(join(process.cwd(), 'package.json'))('nestjs-pino/storage') as {
    storage: { run: (store: unknown, fn: () => unknown) => unknown };
  };
  storage.run = (_store, fn) => fn();
}

if (process.send && process.channel) {
  if (process.env.BENCH_PROBE_NO_ALS === '1') disableHttpLogContext();
  wrapTimers();
  wrapSocketReads(Number(process.env.BENCH_PROBE_SIPSVC_PORT));
  phaseHooksMissing = installPhaseProbe(join(__dirname, '..'), (phase, ms) =>
    phaseDurations.record(phase, ms),
  );
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
