/**
 * The INSUPC receive queue of the seed (UT_02_007, UT_03_003): answers from INSUPC wait here
 * before they are turned into SIPSVC replies. In Node it is a bounded ring buffer drained on
 * `setImmediate`, so a burst of answers is processed in slices instead of in one long run of
 * microtasks, and its size is a visible measure of response-path backlog.
 *
 * `threadCount` keeps its config meaning as the drain's parallelism knob: each slice handles
 * up to `threadCount × SLICE_PER_THREAD` answers before yielding to I/O.
 *
 * A full queue refuses the answer (`offer` returns false); the caller cleans up. A delivery
 * that throws never stalls the queue or escapes into the event loop.
 */
export const SLICE_PER_THREAD = 64;

export class InsupcRecvQueue<T> {
  private readonly ring: (T | undefined)[];
  private head = 0;
  private count = 0;
  private scheduled: NodeJS.Immediate | null = null;
  private stopped = false;

  constructor(
    readonly capacity: number,
    readonly threadCount: number,
    private readonly deliver: (item: T) => void,
    /** a throwing `deliver` is reported here and the drain goes on with the next answer. */
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.ring = new Array<T | undefined>(capacity);
  }

  offer(item: T): boolean {
    if (this.count >= this.capacity || this.stopped) return false;
    this.ring[(this.head + this.count) % this.capacity] = item;
    this.count++;
    if (!this.scheduled) this.scheduled = setImmediate(this.drain);
    return true;
  }

  size(): number {
    return this.count;
  }

  /** Delivers what is queued now, synchronously, and refuses anything later. */
  stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.drainSlice(this.count);
  }

  private readonly drain = (): void => {
    this.scheduled = null;
    this.drainSlice(this.threadCount * SLICE_PER_THREAD);
    if (this.count > 0 && !this.stopped) this.scheduled = setImmediate(this.drain);
  };

  private drainSlice(max: number): void {
    for (let n = 0; n < max && this.count > 0; n++) {
      const item = this.ring[this.head] as T;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      try {
        this.deliver(item);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
