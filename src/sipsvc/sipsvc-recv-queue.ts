/**
 * The SIPSVC receive queue: a bounded FIFO of parsed business messages (execute) between the
 * socket parser and their handlers, as in the original gateway (`sipsvc.recv-queue`).
 *
 * What `thread-count` means in Node: there is one event loop, so there are no consumer
 * threads. The queue is drained on the loop's check phase (setImmediate), and one drain turn
 * dispatches at most `threadCount × DISPATCH_PER_CONSUMER` messages before yielding, so socket
 * reads, writes and timers interleave with a large backlog. Handlers are not awaited by the
 * consumer: an execute handler hands its request to the execute pipeline (which has its own
 * worker queue and concurrency) and answers asynchronously. The queue therefore fills only
 * when clients deliver messages faster than the loop dispatches them (for example a large
 * pipelined burst in one read); `capacity` bounds that backlog, and a message arriving at a
 * full queue is refused at once (result 18 `Server overloaded`) by the caller of `offer`.
 */
export const DISPATCH_PER_CONSUMER = 64;

export class SipsvcRecvQueue<T> {
  private readonly ring: (T | undefined)[];
  private head = 0;
  private count = 0;
  private drainScheduled: NodeJS.Immediate | null = null;
  private stopped = false;
  private readonly perTurn: number;

  constructor(
    readonly capacity: number,
    readonly threadCount: number,
    private readonly consume: (item: T) => void,
  ) {
    this.ring = new Array<T | undefined>(capacity);
    this.perTurn = threadCount * DISPATCH_PER_CONSUMER;
  }

  get size(): number {
    return this.count;
  }

  /** false when full (the caller answers result 18 at once). */
  offer(item: T): boolean {
    if (this.stopped || this.count === this.capacity) return false;
    this.ring[(this.head + this.count) % this.capacity] = item;
    this.count++;
    if (this.drainScheduled === null) this.drainScheduled = setImmediate(this.drain);
    return true;
  }

  /** stops dispatching and drops what is queued (shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.drainScheduled) clearImmediate(this.drainScheduled);
    this.drainScheduled = null;
    this.ring.fill(undefined);
    this.count = 0;
  }

  private readonly drain = (): void => {
    this.drainScheduled = null;
    let n = Math.min(this.count, this.perTurn);
    while (n-- > 0 && !this.stopped) {
      const item = this.ring[this.head] as T;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      this.consume(item);
    }
    if (this.count > 0 && !this.stopped && this.drainScheduled === null) {
      this.drainScheduled = setImmediate(this.drain);
    }
  };
}
