/**
 * Rate limit for a log line that can repeat once per message under overload: at most one line
 * per `intervalMs`, the next one saying how many were left out. Allocation-free; no timer, so
 * the count of a burst's tail is reported by the next line, whenever that comes.
 *
 *   const suffix = throttle.take(now);
 *   if (suffix !== null) log.error(`SipsvcRecvQueue saturated - message dropped${suffix}`);
 */
export class LogThrottle {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(private readonly intervalMs = 1000) {}

  /**
   * null: leave this occurrence out (counted). Otherwise log it now, followed by the returned
   * suffix: '' or ` (+N more since the previous line)`.
   */
  take(now: number): string | null {
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed++;
      return null;
    }
    this.lastLoggedAt = now;
    const n = this.suppressed;
    if (n === 0) return '';
    this.suppressed = 0;
    return ` (+${n} more since the previous line)`;
  }
}
