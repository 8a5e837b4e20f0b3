import { Injectable } from '@nestjs/common';
import {
  InsupcServerCounters,
  newInsupcServerCounters,
  newSegwCounters,
  newSipsvcCounters,
  SegwCounters,
  SipsvcCounters,
} from './statistics.counters';
import {
  buildSnapshot,
  restoreCounters,
  StatisticsSnapshot,
  zeroCounters,
} from './statistics.snapshot';

/**
 * Owner of every statistics counter. Feature modules inject it once, keep the counter object
 * they feed, and increment fields directly. Snapshots, restore and reset live here too.
 */
@Injectable()
export class StatisticsService {
  readonly sipsvc: SipsvcCounters = newSipsvcCounters();
  readonly segw: SegwCounters = newSegwCounters();
  private readonly insupcServers = new Map<string, InsupcServerCounters>();
  /**
   * bumped by every reset: work started before a reset (an execute in flight during
   * `/stat/init`) ends uncounted, so no counter says success > attempts.
   */
  epoch = 0;

  /** The counters of one INSUPC server, created on first use. Callers keep the reference. */
  insupc(name: string): InsupcServerCounters {
    let c = this.insupcServers.get(name);
    if (!c) {
      c = newInsupcServerCounters();
      this.insupcServers.set(name, c);
    }
    return c;
  }

  insupcNames(): string[] {
    return [...this.insupcServers.keys()];
  }

  /** every INSUPC server's counters, by name (read-only view for /metrics and snapshots). */
  insupcEntries(): ReadonlyMap<string, InsupcServerCounters> {
    return this.insupcServers;
  }

  snapshot(systemName: string, now = new Date()): StatisticsSnapshot {
    return buildSnapshot(systemName, now, this.sources());
  }

  /** Zeroes every counter in place; references held by hot paths stay valid. */
  reset(): void {
    this.epoch++;
    zeroCounters(this.sources());
  }

  /** Continues the counters from a saved snapshot (parsed JSON, untrusted). */
  restore(saved: unknown): number {
    return restoreCounters(saved, this);
  }

  private sources() {
    return { sipsvc: this.sipsvc, segw: this.segw, insupcServers: this.insupcServers };
  }
}
