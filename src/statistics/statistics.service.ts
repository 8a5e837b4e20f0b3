import { Inject, Injectable } from '@nestjs/common';
import { isPlain } from '../common/counts';
import { SectionObject, SnapshotSection } from '../contracts/counters';
import { COUNTER_SETS, CounterSetSource } from './counter-sets';

/**
 * The statistics snapshot: what GET /stat returns, what is written to `stat-file` and
 * POSTed to `state-server.url`.
 */
export interface StatisticsSnapshot {
  systemName: string;
  /** ISO-8601 */
  timestamp: string;
  server: SectionObject;
  client: Record<string, SectionObject>;
  segw: SectionObject;
}

/**
 * Composes the statistics of operations spec section 4 from the counter sets the features
 * registered: snapshot, reset and restore. It defines no counter itself. Restoring reads a
 * file an operator (or a crash) may have mangled: each set copies only valid counts.
 */
@Injectable()
export class StatisticsService {
  constructor(@Inject(COUNTER_SETS) private readonly counters: CounterSetSource) {}

  snapshot(systemName: string, now = new Date()): StatisticsSnapshot {
    const sections: Record<SnapshotSection, SectionObject> = { server: {}, client: {}, segw: {} };
    for (const set of this.counters.sets()) set.snapshotInto(sections[set.section]);
    return {
      systemName,
      timestamp: now.toISOString(),
      server: sections.server,
      client: sections.client as Record<string, SectionObject>,
      segw: sections.segw,
    };
  }

  /** Zeroes every counter in place; references held by hot paths stay valid. */
  reset(): void {
    for (const set of this.counters.sets()) set.reset();
  }

  /** Continues the counters from a saved snapshot; returns the INSUPC servers restored. */
  restore(saved: unknown): number {
    if (!isPlain(saved)) return 0;
    let servers = 0;
    for (const set of this.counters.sets()) {
      const section = saved[set.section];
      if (isPlain(section)) servers += set.restoreFrom(section);
    }
    return servers;
  }
}
