/** What a load-generator run reports (one JSON line with --json), and its text form. */
export interface LoadReport {
  mode: string;
  connections: number;
  framing: string;
  /** seconds measured (after warm-up, until the last measured answer). */
  measuredSeconds: number;
  sent: number;
  answered: number;
  /** executes sent but never answered (connection closed, or drain timeout). */
  unanswered: number;
  duplicates: number;
  unknown: number;
  exactlyOnce: boolean;
  /** answers by `result` code, whole run. */
  results: Record<string, number>;
  /** answers per second in the measured window. */
  throughput: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: string[];
}

export function formatReport(r: LoadReport): string {
  const results = Object.entries(r.results)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');
  const l = r.latencyMs;
  return [
    `mode          ${r.mode}, ${r.connections} connections, ${r.framing}`,
    `sent          ${r.sent}`,
    `answered      ${r.answered} (unanswered ${r.unanswered}, duplicate ${r.duplicates}, unknown ${r.unknown})`,
    `results       ${results || '-'}`,
    `throughput    ${r.throughput} answers/s over ${r.measuredSeconds} s`,
    `latency ms    p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}  mean ${l.mean}`,
    `exactly once  ${r.exactlyOnce ? 'yes' : 'NO'}`,
    ...r.errors.map((e) => `error         ${e}`),
  ].join('\n');
}
