/**
 * A bounded FIFO drained on the event loop's check phase (setImmediate): the SIPSVC receive
 * queue (parsed business messages waiting for their handler) and the INSUPC receive queue
 * (answers waiting to become SIPSVC replies) of the original gateway.
 *
 * What `thread-count` means in Node: there is one event loop, so no consumer threads. One
 * drain turn hands at most `threadCount × PER_THREAD_PER_TURN` items to `consume` before
 * yielding, so socket reads, writes and timers interleave with a large backlog, and `size` is
 * a visible measure of that backlog. A full queue refuses the item (`offer` returns false) and
 * the caller answers or cleans up at once. A `consume` that throws is reported to `onError`
 * and the drain goes on with the next item.
 */
export const PER_THREAD_PER_TURN = 64;

export class BoundedDrainQueue<T> {
  private readonly ring: (T | undefined)[];
  private head = 0;
  private count = 0;
  private scheduled: NodeJS.Immediate | null = null;
  private stopped = false;
  private readonly perTurn: number;

  constructor(
    readonly capacity: number,
    readonly threadCount: number,
    private readonly consume: (item: T) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    this.ring = new Array<T | undefined>(capacity);
    this.perTurn = threadCount * PER_THREAD_PER_TURN;
  }

  get size(): number {
    return this.count;
  }

  /** false when full or stopped. */
  offer(item: T): boolean {
    if (this.stopped || this.count >= this.capacity) return false;
    this.ring[(this.head + this.count) % this.capacity] = item;
    this.count++;
    this.scheduled ??= setImmediate(this.drain);
    return true;
  }

  /**
   * Refuses new items from now on. What is queued is handed to `consume` now, synchronously,
   * when `deliverQueued`, else dropped.
   */
  stop(deliverQueued: boolean): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    if (deliverQueued) this.take(this.count);
    this.ring.fill(undefined);
    this.count = 0;
  }

  private readonly drain = (): void => {
    this.scheduled = null;
    this.take(this.perTurn);
    if (this.count > 0 && !this.stopped) this.scheduled = setImmediate(this.drain);
  };

  private take(max: number): void {
    for (let n = 0; n < max && this.count > 0; n++) {
      const item = this.ring[this.head] as T;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      try {
        this.consume(item);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
