import type { Balancing } from '../config/schema/insupc.schema';
import { NOT_ROUTABLE, PRIMARY_TIER, routingTier } from './db-status';
import type { OutlierState } from './outlier-detection';

/** What the router needs to know about one INSUPC server. */
export interface RoutableServer {
  readonly name: string;
  readonly dbStatus: string;
  /** queries written to it and awaiting their answer. */
  readonly inFlight: number;
  readonly outlier: OutlierState;
  /** at least one connection that takes queries now (READY, write backlog under the limit). */
  hasRoutableConnection(): boolean;
}

/** Servers an operator took out of rotation (DrainedServers); none by default. */
export interface DrainedSet {
  has(name: string): boolean;
}
const NONE_DRAINED: DrainedSet = { has: () => false };

/** What a selection may choose: `limit` queries in flight per server; `except` never. */
export interface Selection<T> {
  now: number;
  /** worker.concurrency: a server with this many queries in flight takes no more. */
  limit: number;
  balancing: Balancing;
  except?: T | null;
}

/**
 * Routing policy of binary protocol section 5 and operations spec section 7, per request,
 * O(servers) and allocation-free:
 * 1. the tier: MA while any MA server is routable, otherwise the best fallback tier present
 *    (DA, then MS, then DS); never a blocked (xB) or unknown-status server, an ejected or a drained one;
 * 2. within the tier, a server with fewer than `limit` queries in flight (see `pick`): the
 *    one with the fewest (`least-outstanding`, ties round robin) or the next in turn
 *    (`round-robin`);
 * 3. nothing routable → null.
 * `lastFallback` tells whether the last successful selection came from a fallback tier.
 */
export class InsupcRouter<T extends RoutableServer> {
  private primaryCursor = 0;
  private fallbackCursor = 0;
  lastFallback = false;

  constructor(
    private readonly servers: readonly T[],
    private readonly drained: DrainedSet = NONE_DRAINED,
  ) {}

  select(sel: Selection<T>): T | null {
    const tier = this.bestTier(sel.now, sel.except);
    if (tier === NOT_ROUTABLE) return null;
    const primary = tier === PRIMARY_TIER;
    const idx = this.pick(tier, primary ? this.primaryCursor : this.fallbackCursor, sel);
    if (idx < 0) return null;
    if (primary) this.primaryCursor = idx + 1;
    else this.fallbackCursor = idx + 1;
    this.lastFallback = !primary;
    return this.servers[idx];
  }

  /**
   * Whether a query could be sent now without waiting: a server of the best tier is under
   * `limit`, or nothing is routable at all (the query then fails at once, result 5).
   */
  hasSlot(now: number, limit: number, except: T | null = null): boolean {
    const tier = this.bestTier(now, except);
    if (tier === NOT_ROUTABLE) return true;
    for (const s of this.servers) {
      if (s !== except && s.inFlight < limit && this.tierOf(s, now) === tier) return true;
    }
    return false;
  }

  /** number of servers a selection could return now (any tier), `except` left out. */
  routableCount(now: number, except: T | null = null): number {
    let n = 0;
    for (const s of this.servers) if (s !== except && this.tierOf(s, now) !== NOT_ROUTABLE) n++;
    return n;
  }

  /** servers ejected now. */
  ejectedCount(now: number): number {
    let n = 0;
    for (const s of this.servers) if (s.outlier.isEjected(now)) n++;
    return n;
  }

  /**
   * The one routability predicate (routing, readiness, the last-server rule): the tier of
   * `s` when it may take new queries, else NOT_ROUTABLE. A routable DB_STATUS, a connection
   * that takes queries, not drained by an operator, not ejected.
   */
  tierOf(s: T, now: number): number {
    const tier = routingTier(s.dbStatus);
    if (
      tier === NOT_ROUTABLE ||
      this.drained.has(s.name) ||
      !s.hasRoutableConnection() ||
      s.outlier.isEjected(now)
    ) {
      return NOT_ROUTABLE;
    }
    return tier;
  }

  private bestTier(now: number, except: T | null | undefined): number {
    let best = NOT_ROUTABLE;
    for (const s of this.servers) {
      if (s === except) continue;
      const tier = this.tierOf(s, now);
      if (tier !== NOT_ROUTABLE && (best === NOT_ROUTABLE || tier < best)) best = tier;
    }
    return best;
  }

  /**
   * index of the server of `tier` to use, scanning circularly from `cursor`; -1 if none.
   * Servers under `limit` first; when all are at it (a caller that bypassed the worker
   * queue's hasSlot check), the choice among all of them, so a query is never refused for
   * the budget alone.
   */
  private pick(tier: number, cursor: number, sel: Selection<T>): number {
    const n = this.servers.length;
    const least = sel.balancing === 'least-outstanding';
    let best = -1;
    let bestLoad = 0;
    let over = -1;
    for (let i = 0; i < n; i++) {
      const idx = (cursor + i) % n;
      const s = this.servers[idx];
      if (s === sel.except || this.tierOf(s, sel.now) !== tier) continue;
      if (s.inFlight >= sel.limit) {
        if (over < 0 || (least && s.inFlight < this.servers[over].inFlight)) over = idx;
        continue;
      }
      if (!least) return idx;
      if (best < 0 || s.inFlight < bestLoad) {
        best = idx;
        bestLoad = s.inFlight;
      }
    }
    return best >= 0 ? best : over;
  }
}
