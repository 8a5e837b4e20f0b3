/**
 * Preloaded into the gateway by `npm run soak` (`node -r dist/scripts/soak-probe.js`): every
 * SOAK_PROBE_MS it sends the soak script, over the IPC channel, the process's memory and the
 * event-loop delay since the previous sample. Nothing here touches the gateway's own code.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProbeSample {
  rssMiB: number;
  heapUsedMiB: number;
  /** event-loop delay over the last interval, ms. */
  eldMeanMs: number;
  eldP99Ms: number;
  eldMaxMs: number;
}

const mib = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const RESOLUTION_MS = 10;
/** the histogram holds whole timer intervals: the delay is what exceeds the resolution. */
const ms = (ns: number): number => Math.max(0, Math.round(ns / 1e4 - RESOLUTION_MS * 100) / 100);

if (process.send) {
  const eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  eld.enable();
  const every = Number(process.env.SOAK_PROBE_MS) || 10000;
  setInterval(() => {
    const m = process.memoryUsage();
    const sample: ProbeSample = {
      rssMiB: mib(m.rss),
      heapUsedMiB: mib(m.heapUsed),
      eldMeanMs: ms(eld.mean),
      eldP99Ms: ms(eld.percentile(99)),
      eldMaxMs: ms(eld.max),
    };
    eld.reset();
    process.send?.({ soakProbe: sample });
  }, every).unref();
}
