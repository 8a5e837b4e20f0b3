import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CounterSet, Counters } from '../contracts/counters';

/** What statistics composes from: every counter set the features registered. */
export interface CounterSetSource {
  sets(): readonly CounterSet[];
}

export const COUNTER_SETS = Symbol('COUNTER_SETS');

/** Finds the providers marked `@Counters()` (once, after every provider was created). */
@Injectable()
export class DiscoveredCounterSets implements CounterSetSource {
  private found: CounterSet[] | null = null;

  constructor(private readonly discovery: DiscoveryService) {}

  sets(): readonly CounterSet[] {
    this.found ??= this.discovery
      .getProviders({ metadataKey: Counters.KEY })
      .map((w) => w.instance as CounterSet)
      .filter((s) => s !== undefined && s !== null);
    return this.found;
  }
}

/** A fixed list (unit specs, or a composition without Nest). */
export const counterSetsOf = (...sets: CounterSet[]): CounterSetSource => ({ sets: () => sets });
