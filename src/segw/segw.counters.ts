import { Injectable } from '@nestjs/common';
import { copyCounts, zeroNumbers } from '../common/counts';
import { CounterSet, Counters, SectionObject } from '../contracts/counters';

/** SEGW failover counters (operations spec section 5; snapshot section `segw`). */
@Counters()
@Injectable()
export class SegwCounters implements CounterSet {
  readonly section = 'segw';
  /** failovers started (a switch to the next SEGW address). */
  failovers = 0;
  /** initiates that failed or timed out. */
  initiateFailures = 0;

  snapshotInto(into: SectionObject): void {
    into.failovers = this.failovers;
    into.initiateFailures = this.initiateFailures;
  }

  reset(): void {
    zeroNumbers(this);
  }

  restoreFrom(saved: SectionObject): number {
    copyCounts(this, saved);
    return 0;
  }
}
