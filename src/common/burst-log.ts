import type { ScheduledTask, Scheduler } from './scheduler';

/**
 * A log line that can come in storms (one per request, or one per status push): in each
 * window the first `burst` occurrences are written as they are, the rest only counted, and
 * when the window ends one line reports the count (operations spec section 7). The summary
 * then stands for the next window's lines, so a storm that goes on writes one line a second;
 * after a quiet window the next occurrence is written as it is again.
 *
 *   if (burst.take()) log.warn(`Session timeout - request ID: ${reqNo}`);
 *
 * Allocation-free per occurrence; one timer, only while occurrences are being counted.
 */
export class BurstLog {
  private windowStart = Number.NEGATIVE_INFINITY;
  private written = 0;
  private leftOut = 0;
  private flush: ScheduledTask | null = null;

  /**
   * @param summarise writes the count line: `n` occurrences left out over the last `ms`.
   */
  constructor(
    private readonly scheduler: Scheduler,
    private readonly summarise: (n: number, ms: number) => void,
    private readonly burst = 1,
    private readonly windowMs = 1000,
  ) {}

  /** true: write this occurrence now. false: it is counted into the window's summary. */
  take(): boolean {
    const now = this.scheduler.now();
    if (now - this.windowStart >= this.windowMs && this.flush === null) {
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written < this.burst) {
      this.written++;
      return true;
    }
    this.leftOut++;
    this.flush ??= this.scheduler.after(this.windowStart + this.windowMs - now, this.summary);
    return false;
  }

  /** cancels a pending summary (shutdown). */
  stop(): void {
    this.flush?.cancel();
    this.flush = null;
  }

  private readonly summary = (): void => {
    this.flush = null;
    const now = this.scheduler.now();
    const n = this.leftOut;
    this.leftOut = 0;
    this.summarise(n, Math.round(now - this.windowStart));
    // the summary is the line of the window that starts now
    this.windowStart = now;
    this.written = this.burst;
  };
}
