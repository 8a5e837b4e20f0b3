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

/** The SIPSVC transport's counters (snapshot section `server`; execute adds its own). */
@Counters()
@Injectable()
export class SipsvcCounters implements CounterSet {
  readonly section = 'server';
  readonly auth = newCommandCounters();
  readonly heartbeat = newCommandCounters();
  connectionsAccepted = 0;
  connectionsAuthenticated = 0;
  connectionsRejected = 0;
  /** executes refused at the full receive queue (result 18); summed with execute's refusals. */
  queueRejections = 0;

  snapshotInto(into: SectionObject): void {
    into.connectionsAccepted = this.connectionsAccepted;
    into.connectionsAuthenticated = this.connectionsAuthenticated;
    into.connectionsRejected = this.connectionsRejected;
    addTo(into, 'queueRejections', this.queueRejections);
    const commands = commandsOf(into);
    commands.auth = commandSnapshot(this.auth);
    commands.heartbeat = commandSnapshot(this.heartbeat);
  }

  reset(): void {
    zeroNumbers(this);
    zeroNumbers(this.auth);
    zeroNumbers(this.heartbeat);
  }

  /** the saved `queueRejections` total is restored by execute's counters (one field, one owner) */
  restoreFrom(saved: SectionObject): number {
    copyCounts(this, saved, ['queueRejections']);
    if (isPlain(saved.commands)) {
      copyCounts(this.auth, saved.commands.auth);
      copyCounts(this.heartbeat, saved.commands.heartbeat);
    }
    return 0;
  }
}
