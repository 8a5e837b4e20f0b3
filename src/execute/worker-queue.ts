/**
 * The worker queue, in Node terms: slots of INSUPC queries in flight (`canStart` says whether
 * one more may start: worker.concurrency per INSUPC server, operations spec section 7), and a
 * bounded FIFO of sessions waiting for a slot. Node has one thread, so the "workers"
 * of the seed are slots, not threads; the bound keeps a burst from turning into an
 * unbounded backlog of queries. A full queue refuses at submit time (result 18
 * `WorkerQueue saturated - all worker queues are full`).
 *
 * The FIFO is an intrusive doubly-linked list through the items themselves: no allocation per
 * request, and O(1) removal of a session that timed out or lost its client while waiting.
 */
export interface WorkerQueueItem<T> {
  queuePrev: T | null;
  queueNext: T | null;
  queued: boolean;
}

export interface WorkerQueueLimits {
  capacity(): number;
  /** whether one more item may start now, `running` items holding a slot. */
  canStart(running: number): boolean;
}

export class WorkerQueue<T extends WorkerQueueItem<T>> {
  private head: T | null = null;
  private tail: T | null = null;
  private waiting = 0;
  private running = 0;

  constructor(
    private readonly limits: WorkerQueueLimits,
    /** starts the work of an item; the caller calls `release()` once when it is done. */
    private readonly start: (item: T) => void,
    /**
     * asked when a waiting item reaches a free slot: false means it must not start (it expired
     * or its client left while it waited; the caller has ended it), and the slot goes on.
     */
    private readonly admit: (item: T) => boolean = () => true,
  ) {}

  /** Runs the item now, queues it, or returns false when the queue is full. */
  submit(item: T): boolean {
    if (this.waiting === 0 && this.limits.canStart(this.running)) {
      this.running++;
      this.start(item);
      return true;
    }
    if (this.waiting >= this.limits.capacity()) return false;
    this.append(item);
    this.pump();
    return true;
  }

  /** A slot's work finished: start the next waiting item, if any. */
  release(): void {
    if (this.running > 0) this.running--;
    this.pump();
  }

  /** Starts waiting items if slots have freed without a release (e.g. a server came back). */
  kick(): void {
    this.pump();
  }

  /** Takes an item out of the waiting line (it timed out or its client left). */
  remove(item: T): void {
    if (!item.queued) return;
    const prev = item.queuePrev;
    const next = item.queueNext;
    if (prev) prev.queueNext = next;
    else this.head = next;
    if (next) next.queuePrev = prev;
    else this.tail = prev;
    item.queuePrev = item.queueNext = null;
    item.queued = false;
    this.waiting--;
  }

  /** items waiting for a slot. */
  size(): number {
    return this.waiting;
  }

  /** items holding a slot. */
  inFlight(): number {
    return this.running;
  }

  private append(item: T): void {
    item.queued = true;
    item.queueNext = null;
    item.queuePrev = this.tail;
    if (this.tail) this.tail.queueNext = item;
    else this.head = item;
    this.tail = item;
    this.waiting++;
  }

  private pump(): void {
    while (this.head && this.limits.canStart(this.running)) {
      const item = this.head;
      this.remove(item);
      if (!this.admit(item)) continue;
      this.running++;
      this.start(item);
    }
  }
}
