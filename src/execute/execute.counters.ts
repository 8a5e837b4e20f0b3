import { Injectable } from '@nestjs/common';
import {
  addTo,
  commandsOf,
  commandSnapshot,
  copyCounts,
  isPlain,
  newCommandCounters,
  zeroNumbers,
} from '../common/counts';
import { CounterSet, Counters, SectionObject } from '../contracts/counters';

/** The execute pipeline's counters (snapshot section `server`, beside the transport's). */
@Counters()
@Injectable()
export class ExecuteCounters implements CounterSet {
  readonly section = 'server';
  readonly execute = newCommandCounters();
  tpsRejections = 0;
  /** worker-queue and max-sessions refusals (result 18); summed with the transport's. */
  queueRejections = 0;
  /** executes answered with result 6. */
  timeouts = 0;
  /** INSUPC answers that arrived for nobody (late, client gone, queue full). */
  droppedResponses = 0;
  /**
   * bumped by every reset (not a count: kept out of snapshots and restores). An execute in
   * flight across `/stat/init` counts its outcome only in the epoch of its attempt, so no
   * period shows success > attempts.
   */
  epoch = 0;

  snapshotInto(into: SectionObject): void {
    into.tpsRejections = this.tpsRejections;
    addTo(into, 'queueRejections', this.queueRejections);
    into.timeouts = this.timeouts;
    into.droppedResponses = this.droppedResponses;
    commandsOf(into).execute = commandSnapshot(this.execute);
  }

  reset(): void {
    const epoch = this.epoch + 1;
    zeroNumbers(this);
    zeroNumbers(this.execute);
    this.epoch = epoch;
  }

  restoreFrom(saved: SectionObject): number {
    copyCounts(this, saved, ['epoch']);
    if (isPlain(saved.commands)) copyCounts(this.execute, saved.commands.execute);
    return 0;
  }
}
