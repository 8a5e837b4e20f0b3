import { Logger } from '@nestjs/common';
import { LogThrottle } from '../common/log-throttle';

export interface AuthFailureLimits {
  maxPerIp: number;
  /** ms */
  window: number;
  /** ms: the first block; doubled for each block within {@link MAX_BLOCK_MS} of the previous. */
  blockTime: number;
}

/** the longest block, and how long an address's earlier blocks are remembered for doubling. */
export const MAX_BLOCK_MS = 3_600_000;
/** addresses tracked at most; past it the least recently added one is forgotten. */
export const MAX_TRACKED_ADDRESSES = 10_000;
/** a full prune of the table runs at most this often. */
const PRUNE_INTERVAL_MS = 1000;

interface AddressRecord {
  windowStart: number;
  failures: number;
  /** blocks so far (0: never blocked, or forgotten). */
  blocks: number;
  blockedUntil: number;
  /** refused connections: one WARN a second at most, with the count left out. */
  readonly refusals: LogThrottle;
}

/**
 * operations.md §8.4: failed `auth`s counted per source address over a window (a fixed
 * window opened by the first failure). `maxPerIp` of them block the address: its new
 * connections are closed at once for `blockTime`, doubled for each block that comes within
 * an hour of the end of the previous one, at most 1 h. Other addresses are not affected. A
 * successful auth from the address clears its count and its block history.
 *
 * Memory is bounded ({@link MAX_TRACKED_ADDRESSES}); the per-connection check is one
 * `Map.get`, and nothing at all while no address has failed.
 */
export class AuthFailureThrottle {
  /** failed auths since start (`insupclient_auth_failures_total`). */
  failuresTotal = 0;
  private readonly records = new Map<string, AddressRecord>();
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limits: () => AuthFailureLimits,
    private readonly log: Logger,
    private readonly maxTracked = MAX_TRACKED_ADDRESSES,
  ) {}

  /** true: a new connection from `ip` is to be closed at once (WARN at most once a second). */
  refuses(ip: string, now: number): boolean {
    if (this.records.size === 0) return false;
    const r = this.records.get(ip);
    if (r === undefined || now >= r.blockedUntil) return false;
    const suffix = r.refusals.take(now);
    if (suffix !== null) {
      this.log.warn(
        `[SIPSVC|${ip}] Connection refused - address blocked after failed auths, ${r.blockedUntil - now} ms left${suffix}`,
      );
    }
    return true;
  }

  /** a failed auth from `ip`. */
  failed(ip: string, now: number): void {
    this.failuresTotal++;
    const { maxPerIp, window, blockTime } = this.limits();
    let r = this.records.get(ip);
    if (r === undefined) {
      r = this.track(ip, now);
    } else if (now - r.windowStart >= window) {
      r.windowStart = now;
      r.failures = 0;
    }
    if (r.blocks > 0 && now >= r.blockedUntil + MAX_BLOCK_MS) r.blocks = 0;
    if (++r.failures < maxPerIp) return;
    const ms = Math.min(blockTime * 2 ** r.blocks, MAX_BLOCK_MS);
    r.blocks++;
    r.blockedUntil = now + ms;
    r.failures = 0;
    r.windowStart = now;
    this.log.warn(
      `[SIPSVC|${ip}] ${maxPerIp} failed auths within ${window} ms - new connections from this address closed for ${ms} ms (block ${r.blocks})`,
    );
  }

  /** a successful auth from `ip`: its failures and block history are forgotten. */
  succeeded(ip: string): void {
    if (this.records.size > 0) this.records.delete(ip);
  }

  /** addresses blocked now (`insupclient_blocked_addresses`). */
  blockedCount(now: number): number {
    this.prune(now);
    let n = 0;
    for (const r of this.records.values()) if (now < r.blockedUntil) n++;
    return n;
  }

  /** addresses tracked now (blocked, counting failures, or remembered for doubling). */
  get trackedCount(): number {
    return this.records.size;
  }

  private track(ip: string, now: number): AddressRecord {
    if (this.records.size >= this.maxTracked) {
      this.prune(now);
      // still full: forget the record added longest ago (a Map iterates in insertion order)
      if (this.records.size >= this.maxTracked) {
        const oldest = this.records.keys().next();
        if (!oldest.done) this.records.delete(oldest.value);
      }
    }
    const r: AddressRecord = {
      windowStart: now,
      failures: 0,
      blocks: 0,
      blockedUntil: 0,
      refusals: new LogThrottle(),
    };
    this.records.set(ip, r);
    return r;
  }

  /** forgets the records that no longer matter: not blocked, window over, history expired. */
  private prune(now: number): void {
    if (now - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = now;
    const { window } = this.limits();
    for (const [ip, r] of this.records) {
      const windowOver = now - r.windowStart >= window;
      const historyOver = r.blocks === 0 || now >= r.blockedUntil + MAX_BLOCK_MS;
      if (windowOver && historyOver && now >= r.blockedUntil) this.records.delete(ip);
    }
  }
}
