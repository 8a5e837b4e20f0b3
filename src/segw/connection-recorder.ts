import { SegwCounters } from './segw.counters';
import { FailoverHistoryEntry, SegwHistory } from './segw-history';
import { SegwCode } from './segw-incidents';
import { segwConnectionUp, segwFailoversTotal, segwInitiateFailuresTotal } from './segw-metrics';

/**
 * What one managed connection leaves for the operator: its history entries (the pending one
 * of the switch in progress), the statistics counters and the Prometheus metrics.
 */
export class ConnectionRecorder {
  private pending?: FailoverHistoryEntry;

  constructor(
    private readonly connection: string,
    private readonly history: SegwHistory,
    private readonly counters: SegwCounters,
  ) {
    this.up(false);
  }

  up(isUp: boolean): void {
    segwConnectionUp().set({ connection: this.connection }, isUp ? 1 : 0);
  }

  /** A switch starts: the previous pending one is superseded; a new pending entry. */
  switching(from: string, to: string, reason: string, code: SegwCode): void {
    this.settle('superseded');
    if (from !== to) {
      this.counters.failovers++;
      segwFailoversTotal().inc({ connection: this.connection });
    }
    this.pending = this.note(from, to, reason, code, 'pending');
  }

  /** The switch in progress (if any) ended with `result`. */
  settle(result: string): void {
    this.history.settle(this.pending, result);
    this.pending = undefined;
  }

  /** An entry that is complete when written (FAILED, recovery). */
  note(
    from: string,
    to: string,
    reason: string,
    code: SegwCode,
    result: string,
  ): FailoverHistoryEntry {
    const timestamp = new Date().toISOString();
    const { connection } = this;
    return this.history.add({ timestamp, connection, from, to, reason, code, result });
  }

  initiateFailed(): void {
    this.counters.initiateFailures++;
    segwInitiateFailuresTotal().inc({ connection: this.connection });
  }
}
