import { Injectable } from '@nestjs/common';
import {
  InsupcServerCounters,
  newInsupcServerCounters,
  newSegwCounters,
  newSipsvcCounters,
  SegwCounters,
  SipsvcCounters,
} from './statistics.counters';

/**
 * Owner of every statistics counter. Feature modules inject it once, keep the counter object
 * they feed, and increment fields directly. Snapshots, restore and reset live here too.
 */
@Injectable()
export class StatisticsService {
  readonly sipsvc: SipsvcCounters = newSipsvcCounters();
  readonly segw: SegwCounters = newSegwCounters();
  private readonly insupcServers = new Map<string, InsupcServerCounters>();

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
}
