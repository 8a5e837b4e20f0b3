import type { OutlierDetectionConfig } from '../config/schema/insupc.schema';

/**
 * Outlier detection of one INSUPC server (operations spec section 7), pure arithmetic on the
 * caller's clock (Scheduler.now()): no timer, no allocation per query.
 *
 * - `consecutive-failures` failures in a row (a success resets the count) ask for an ejection;
 *   whether it is made is the caller's call ({@link ejectionAllowed}, it knows every server).
 * - The k-th ejection lasts min(k × base-ejection-time, max-ejection-time); k counts the
 *   ejections since the last success on the server while it was in rotation.
 * - Failures while ejected are not counted (queries sent before the ejection that time out
 *   during it would otherwise re-eject the server the moment it is back).
 */
export class OutlierState {
  consecutiveFailures = 0;
  /** ejections since the last success in rotation: the multiplier of the next. */
  ejections = 0;
  /** ejections ever (the metric insupclient_insupc_ejections_total). */
  ejectionsTotal = 0;
  /** end of the current ejection (clock ms); 0 = not ejected. */
  ejectedUntil = 0;

  isEjected(now: number): boolean {
    return now < this.ejectedUntil;
  }

  /** an answer in time: the count starts again; back in rotation, the multiplier too. */
  success(now: number): void {
    this.consecutiveFailures = 0;
    if (!this.isEjected(now)) this.ejections = 0;
  }

  /** a query timeout or loss; true when this failure reaches the threshold. */
  failure(now: number, cfg: OutlierDetectionConfig): boolean {
    if (!cfg.enabled || this.isEjected(now)) return false;
    this.consecutiveFailures++;
    return this.consecutiveFailures >= cfg.consecutiveFailures;
  }

  /** makes the ejection the last failure asked for; returns its length in ms. */
  eject(now: number, cfg: OutlierDetectionConfig): number {
    this.ejections++;
    this.ejectionsTotal++;
    const ms = ejectionMillis(this.ejections, cfg);
    this.ejectedUntil = now + ms;
    this.consecutiveFailures = 0;
    return ms;
  }

  /** true once, at the first call after the ejection's end (the "back in rotation" line). */
  ended(now: number): boolean {
    if (this.ejectedUntil === 0 || this.isEjected(now)) return false;
    this.ejectedUntil = 0;
    return true;
  }
}

/** length of the `k`-th ejection: k × base, capped at max. */
export function ejectionMillis(k: number, cfg: OutlierDetectionConfig): number {
  return Math.min(k * cfg.baseEjectionTime, cfg.maxEjectionTime);
}

/**
 * Whether one more server may be ejected: never the last routable one, and never more than
 * `max-ejection-percent` of the configured servers, except that one may always be.
 */
export function ejectionAllowed(
  ejectedNow: number,
  configured: number,
  otherRoutable: number,
  maxEjectionPercent: number,
): boolean {
  if (otherRoutable === 0) return false;
  if (ejectedNow === 0) return true;
  return (ejectedNow + 1) * 100 <= maxEjectionPercent * configured;
}
