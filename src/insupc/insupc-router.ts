import { NOT_ROUTABLE, PRIMARY_TIER, routingTier } from './db-status';

/** What the router needs to know about one INSUPC server. */
export interface RoutableServer {
  readonly name: string;
  readonly dbStatus: string;
  /** at least one connection that takes queries now (READY, write backlog under the limit). */
  hasRoutableConnection(): boolean;
}

/** Servers an operator took out of rotation (DrainedServers); none by default. */
export interface DrainedSet {
  has(name: string): boolean;
}
const NONE_DRAINED: DrainedSet = { has: () => false };

/**
 * Routing policy of binary protocol section 5, per request and allocation-free:
 * 1. round-robin over MA servers with a routable connection (see InsupcServerPool);
 * 2. otherwise the best fallback tier present (DA, then MS, then DS), round-robin within it;
 * 3. never a blocked (xB) or unknown-status server, nor a drained one (operations spec 7);
 *    nothing routable → null.
 * `lastFallback` tells whether the last successful selection came from the fallback tier.
 */
export class InsupcRouter<T extends RoutableServer> {
  private primaryCursor = 0;
  private fallbackCursor = 0;
  lastFallback = false;

  constructor(
    private readonly servers: readonly T[],
    private readonly drained: DrainedSet = NONE_DRAINED,
  ) {}

  select(): T | null {
    const primary = this.roundRobin(PRIMARY_TIER, this.primaryCursor);
    if (primary >= 0) {
      this.primaryCursor = primary + 1;
      this.lastFallback = false;
      return this.servers[primary];
    }
    const tier = this.bestFallbackTier();
    if (tier === NOT_ROUTABLE) return null;
    const fallback = this.roundRobin(tier, this.fallbackCursor);
    this.fallbackCursor = fallback + 1;
    this.lastFallback = true;
    return this.servers[fallback];
  }

  /** number of servers select() could return now (any tier). */
  routableCount(): number {
    let n = 0;
    for (const s of this.servers) if (this.routable(s) !== NOT_ROUTABLE) n++;
    return n;
  }

  private routable(s: T): number {
    const tier = routingTier(s.dbStatus);
    return tier !== NOT_ROUTABLE && !this.drained.has(s.name) && s.hasRoutableConnection()
      ? tier
      : NOT_ROUTABLE;
  }

  private bestFallbackTier(): number {
    let best = NOT_ROUTABLE;
    for (const s of this.servers) {
      const tier = this.routable(s);
      if (tier > PRIMARY_TIER && (best === NOT_ROUTABLE || tier < best)) best = tier;
    }
    return best;
  }

  /** index of the first server of `tier` at or after `cursor` (circularly), or -1. */
  private roundRobin(tier: number, cursor: number): number {
    const n = this.servers.length;
    for (let i = 0; i < n; i++) {
      const idx = (cursor + i) % n;
      if (this.routable(this.servers[idx]) === tier) return idx;
    }
    return -1;
  }
}
