/**
 * Pure SEGW failover policy (operations spec section 5): which address next, how long to
 * wait, when to give up. No I/O and no clock reads: the manager passes `now`.
 */

export type SegwState = 'UP' | 'CONNECTING' | 'DOWN' | 'FAILED';

export interface FailoverPolicyConfig {
  maxRetries: number;
  backoffBase: number;
  backoffMultiplier: number;
  backoffMax: number;
  failback: 'none' | 'primary';
}

/** `"10.0.0.1, ,10.0.0.2 "` → `['10.0.0.1', '10.0.0.2']`; also accepts a YAML list. */
export function parseAddresses(value: unknown): string[] {
  const items = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value.split(',')
      : [];
  return items.map((a) => a.trim()).filter((a) => a.length > 0);
}

/** The address after `index`, circularly; a single address is its own successor. */
export function nextIndex(index: number, count: number): number {
  return count <= 0 ? 0 : (index + 1) % count;
}

/**
 * Delay before the n-th consecutive retry (n ≥ 1). The first switch after a working SA
 * goes at once: it moves to a different SEGW, and the spec wants the re-initiate within
 * 1 s of the down event. From the second on: base · multiplier^(n-2), capped at max.
 */
export function backoffDelay(n: number, p: FailoverPolicyConfig): number {
  if (n <= 1) return 0;
  return Math.min(p.backoffMax, p.backoffBase * Math.pow(p.backoffMultiplier, n - 2));
}

export type FailureDecision =
  | { kind: 'retry'; fromIndex: number; toIndex: number; delayMs: number; attempt: number }
  | { kind: 'failed'; retryAfterMs: number };

/** Failover state of one managed connection. */
export class ConnectionFailover {
  index = 0;
  /** consecutive failures without an established SA. */
  retries = 0;
  state: SegwState = 'DOWN';
  lastChange: number;

  constructor(
    readonly name: string,
    readonly addresses: readonly string[],
    now: number,
  ) {
    if (addresses.length === 0) throw new Error(`SEGW connection '${name}': no remote address`);
    this.lastChange = now;
  }

  get current(): string {
    return this.addresses[this.index];
  }

  get onPrimary(): boolean {
    return this.index === 0;
  }

  private set(state: SegwState, now: number): void {
    if (state !== this.state) this.lastChange = now;
    this.state = state;
  }

  connecting(now: number): void {
    this.set('CONNECTING', now);
  }

  /** An established IKE SA: the retry counter starts over. */
  established(now: number): void {
    this.retries = 0;
    this.set('UP', now);
  }

  /** The SA went down or an initiate failed: where to go next, or give up. */
  failed(now: number, p: FailoverPolicyConfig): FailureDecision {
    if (this.retries >= p.maxRetries) {
      this.set('FAILED', now);
      return { kind: 'failed', retryAfterMs: p.backoffMax };
    }
    this.retries++;
    this.set('DOWN', now);
    const fromIndex = this.index;
    this.index = nextIndex(this.index, this.addresses.length);
    return {
      kind: 'retry',
      fromIndex,
      toIndex: this.index,
      delayMs: backoffDelay(this.retries, p),
      attempt: this.retries,
    };
  }

  /** Operator action or the FAILED timer: a fresh round starting at `index`. */
  restart(index: number, now: number): void {
    this.index = ((index % this.addresses.length) + this.addresses.length) % this.addresses.length;
    this.retries = 0;
    this.set('CONNECTING', now);
  }

  /** `failback: primary`: an SA up on a secondary should move back to the primary. */
  wantsFailback(p: FailoverPolicyConfig): boolean {
    return p.failback === 'primary' && this.state === 'UP' && !this.onPrimary;
  }
}

export interface SegwConnectionView {
  name: string;
  addresses: string[];
  current: string;
  state: SegwState;
  retries: number;
  lastChange: string;
}

/** What `GET /segw` shows of one connection. */
export function viewOf(f: ConnectionFailover): SegwConnectionView {
  const { name, current, state, retries } = f;
  const lastChange = new Date(f.lastChange).toISOString();
  return { name, addresses: [...f.addresses], current, state, retries, lastChange };
}

/** Keeps the last `capacity` items; oldest first. */
export class RingBuffer<T> {
  private readonly items: T[] = [];
  private start = 0;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Removes items from the oldest end while `old` holds; how many went. */
  dropOldestWhile(old: (item: T) => boolean): number {
    const ordered = this.latest().reverse();
    let n = 0;
    while (n < ordered.length && old(ordered[n])) n++;
    if (n === 0) return 0;
    this.items.splice(0, this.items.length, ...ordered.slice(n));
    this.start = 0;
    return n;
  }

  /** the newest `limit` items, newest first. */
  latest(limit = this.capacity): T[] {
    const out: T[] = [];
    for (let i = this.items.length - 1; i >= 0 && out.length < limit; i--) {
      out.push(this.items[(this.start + i) % this.items.length]);
    }
    return out;
  }
}
