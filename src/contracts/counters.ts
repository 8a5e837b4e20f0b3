import { DiscoveryService } from '@nestjs/core';

/**
 * How a feature's statistics counters take part in the statistics snapshot (operations spec
 * section 4) without statistics knowing their schema. Each feature defines its counters as a
 * provider implementing {@link CounterSet} and marks it `@Counters()`; statistics finds every
 * marked provider (Nest has no multi-providers; a discoverable decorator is its equivalent)
 * and composes snapshot, reset and restore from them. Hot paths keep a reference to their
 * counter object and increment fields: no allocation, no lookup per request.
 */
export type SnapshotSection = 'server' | 'client' | 'segw';

export type SectionObject = Record<string, unknown>;

export interface CounterSet {
  /** the snapshot object its fields go into */
  readonly section: SnapshotSection;
  /** adds its fields (a copy) into `into`; fields shared with another set are summed */
  snapshotInto(into: SectionObject): void;
  /** zeroes its counters in place (references held by hot paths stay valid) */
  reset(): void;
  /**
   * continues from a saved section (parsed JSON, untrusted: copy only valid counts); returns
   * how many INSUPC servers it restored (0 for other sections)
   */
  restoreFrom(saved: SectionObject): number;
}

/** Marks a provider as a {@link CounterSet} for statistics to find. */
export const Counters = DiscoveryService.createDecorator<void>();

/** attempts / success / failure of one SIPSVC command */
export interface CommandCounters {
  attempts: number;
  success: number;
  failure: number;
}
