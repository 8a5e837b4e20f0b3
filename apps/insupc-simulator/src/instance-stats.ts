import { msgCodeName } from '../../../libs/insupc-protocol/src';

/** Frames received and sent by one instance, per MSG_CODE (a flat array: no map on the hot path). */
export class InstanceStats {
  readonly received = new Float64Array(256);
  readonly sent = new Float64Array(256);
  connectionsAccepted = 0;
  protocolErrors = 0;

  reset(): void {
    this.received.fill(0);
    this.sent.fill(0);
    this.connectionsAccepted = 0;
    this.protocolErrors = 0;
  }

  snapshot(): InstanceStatsSnapshot {
    return {
      received: byName(this.received),
      sent: byName(this.sent),
      connectionsAccepted: this.connectionsAccepted,
      protocolErrors: this.protocolErrors,
    };
  }
}

export interface InstanceStatsSnapshot {
  /** e.g. `{ DB_ACCESS_REQUEST: 1, DB_QUERY_REQUEST: 10 }`; codes never seen are omitted. */
  received: Record<string, number>;
  sent: Record<string, number>;
  connectionsAccepted: number;
  protocolErrors: number;
}

function byName(counts: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let code = 0; code < counts.length; code++) {
    if (counts[code] > 0) out[msgCodeName(code)] = counts[code];
  }
  return out;
}
