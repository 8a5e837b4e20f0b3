/** `npm run soak`: a phase's summary and its pass/fail verdict. */
import type { LoadReport } from '../../apps/sipsvc-loadgen/src/load-report';
import type { ProbeSample } from '../soak-probe';
import type { SoakOptions } from './soak-config';

const MAX_LATENCY_MS = 3000;
const MEAN_LATENCY_MS = 100;

export interface PhaseResult {
  name: string;
  report: LoadReport;
  samples: ProbeSample[];
  gatewayCpu: number;
}

/** least-squares slope of `ys` sampled every `stepS` seconds, per hour. */
function slopePerHour(ys: number[], stepS: number): number {
  const n = ys.length;
  if (n < 3) return 0;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    num += (i - mx) * (y - my);
    den += (i - mx) ** 2;
  });
  return (num / den) * (3600 / stepS);
}

/** Prints the phase's summary and returns the reasons it failed (none: passed). */
export function summarise(p: PhaseResult, o: SoakOptions): string[] {
  const r = p.report;
  const ok = r.results['0'] ?? 0;
  const completion = r.sent > 0 ? (100 * ok) / r.sent : 0;
  const l = r.latencyMs;
  const s = p.samples;
  const rss = s.map((x) => x.rssMiB);
  const heap = s.map((x) => x.heapUsedMiB);
  const eldMax = Math.max(0, ...s.map((x) => x.eldMaxMs));
  const eldP99 = Math.max(0, ...s.map((x) => x.eldP99Ms));
  const results = Object.entries(r.results)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  // a trend over a few samples says nothing: shown from 5 minutes of samples
  const trend = (xs: number[]): string =>
    xs.length * o.sample >= 300 ? `, trend ${slopePerHour(xs, o.sample).toFixed(1)} MiB/h` : '';
  const range = (xs: number[]): string =>
    xs.length
      ? `${xs[0]} → ${xs[xs.length - 1]} (min ${Math.min(...xs)}, max ${Math.max(...xs)})`
      : '-';
  console.log(
    [
      `${p.name} result`,
      `  sent ${r.sent}, answered ${r.answered}, results {${results}}, exactly once: ${r.exactlyOnce ? 'yes' : 'NO'}`,
      `  completion   ${completion.toFixed(3)} %`,
      `  latency ms   mean ${l.mean}  p50 ${l.p50}  p99 ${l.p99}  max ${l.max}`,
      `  throughput   ${r.throughput}/s over ${r.measuredSeconds} s; gateway CPU ${p.gatewayCpu.toFixed(1)} s`,
      `  RSS MiB      ${range(rss)}${trend(rss)}`,
      `  heap MiB     ${range(heap)}${trend(heap)}`,
      `  event loop   worst ${o.sample} s p99 ${eldP99} ms, max ${eldMax} ms`,
      ...r.errors.map((e) => `  error        ${e}`),
    ].join('\n'),
  );
  const failures: string[] = [];
  if (!r.exactlyOnce || ok !== r.sent || r.sent === 0)
    failures.push(`${p.name}: completion ${completion.toFixed(3)} % (must be 100 %)`);
  if (l.max >= MAX_LATENCY_MS)
    failures.push(`${p.name}: max latency ${l.max} ms (must be < ${MAX_LATENCY_MS} ms)`);
  if (l.mean >= MEAN_LATENCY_MS)
    console.log(
      `  WARN         mean latency ${l.mean} ms (seed recommends < ${MEAN_LATENCY_MS} ms)`,
    );
  return failures;
}
