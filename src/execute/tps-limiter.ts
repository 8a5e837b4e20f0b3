/**
 * TPS limit of the seed (UT_03_004): a window opens at the first request after the previous
 * window has expired and admits `maxTps` requests; later ones in that window are refused.
 * (The seed calls it "sliding"; it is a fixed window re-anchored on the first request.)
 *
 * Limits are passed per call so an operator's config reload applies at once.
 */
export class TpsLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private admittedInWindow = 0;
  /** requests refused since start (never reset: the resettable count is in statistics). */
  rejected = 0;

  tryAcquire(now: number, maxTps: number, windowMs: number): boolean {
    if (now - this.windowStart >= windowMs) {
      this.windowStart = now;
      this.admittedInWindow = 0;
    }
    if (this.admittedInWindow >= maxTps) {
      this.rejected++;
      return false;
    }
    this.admittedInWindow++;
    return true;
  }
}
