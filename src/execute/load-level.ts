/**
 * Load levels of the seed's load monitor (UT_03 "부하 상태 감지"), from three utilisations
 * in percent: offered TPS against `tps.max-tps`, worker queue fill, open sessions against
 * `message.max-sessions`. The worst metric decides:
 *   Overload: TPS ≥ 100 or queue = 100 or sessions = 100
 *   Critical: TPS ≥ 90  or queue ≥ 85  or sessions ≥ 90
 *   Warning:  TPS ≥ 80  or queue ≥ 70  or sessions ≥ 80
 *   Normal:   otherwise
 */
export const LOAD_LEVELS = ['Normal', 'Warning', 'Critical', 'Overload'] as const;
export type LoadLevel = (typeof LOAD_LEVELS)[number];

export interface LoadSample {
  tpsPct: number;
  queuePct: number;
  sessionPct: number;
}

export function evaluateLoad(s: LoadSample): LoadLevel {
  if (s.tpsPct >= 100 || s.queuePct >= 100 || s.sessionPct >= 100) return 'Overload';
  if (s.tpsPct >= 90 || s.queuePct >= 85 || s.sessionPct >= 90) return 'Critical';
  if (s.tpsPct >= 80 || s.queuePct >= 70 || s.sessionPct >= 80) return 'Warning';
  return 'Normal';
}

export function percent(value: number, limit: number): number {
  return limit > 0 ? Math.round((value / limit) * 1000) / 10 : 0;
}
