/** The longest timeout node's timers hold (2^31-1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Where delayed answers go: the connection's socket, or nowhere once it closed. */
export interface FrameSink {
  write(frame: Buffer): void;
}

/**
 * Delays answers on one connection with a single timer (not one per answer). Answers
 * leave in the order they were queued, each no earlier than its due time.
 */
export class DelayedWriter {
  private readonly due: number[] = [];
  private readonly frames: Buffer[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: FrameSink,
    private readonly now: () => number = Date.now,
  ) {}

  get pending(): number {
    return this.frames.length - this.head;
  }

  send(frame: Buffer, delayMs: number): void {
    if (delayMs <= 0 && this.pending === 0) {
      this.sink.write(frame);
      return;
    }
    this.due.push(this.now() + delayMs);
    this.frames.push(frame);
    if (!this.timer) this.arm();
  }

  /** Drops everything pending (the connection closed). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due.length = 0;
    this.frames.length = 0;
    this.head = 0;
  }

  private arm(): void {
    // A longer timeout would fire after 1 ms; flush() re-arms until the frame is due.
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, this.due[this.head] - this.now()));
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const now = this.now();
    while (this.head < this.frames.length && this.due[this.head] <= now) {
      this.sink.write(this.frames[this.head]);
      this.head++;
    }
    if (this.head === this.frames.length) {
      this.due.length = 0;
      this.frames.length = 0;
      this.head = 0;
    } else {
      if (this.head >= 1024 && this.head * 2 >= this.frames.length) {
        this.due.splice(0, this.head);
        this.frames.splice(0, this.head);
        this.head = 0;
      }
      this.arm();
    }
  }
}
