/**
 * The statistics counters of operations spec section 4, as plain mutable objects. Hot paths
 * keep a reference to their counter object and increment fields (`c.requests++`): no
 * allocation, no lookup per request. Persistence, /stat, /metrics read these objects.
 */

export interface CommandCounters {
  attempts: number;
  success: number;
  failure: number;
}

export const SIPSVC_COMMANDS = ['auth', 'heartbeat', 'execute'] as const;
export type SipsvcCommand = (typeof SIPSVC_COMMANDS)[number];

/** Server side: the SIPSVC JSON/TCP listener and the execute path. */
export interface SipsvcCounters {
  commands: Record<SipsvcCommand, CommandCounters>;
  connectionsAccepted: number;
  connectionsAuthenticated: number;
  connectionsRejected: number;
  tpsRejections: number;
  /** receive queue, worker queue and max-sessions refusals (result 18). */
  queueRejections: number;
  /** executes answered with result 6. */
  timeouts: number;
  /** INSUPC answers that arrived for nobody (late, client gone, queue full). */
  droppedResponses: number;
}

/** Client side: one per configured INSUPC server. */
export interface InsupcServerCounters {
  requests: number;
  success: number;
  /** failures by INSUPC RESULT byte as text, e.g. {"0x10": 3}. */
  failureByResult: Record<string, number>;
  failure: number;
  timeouts: number;
  connectionLosses: number;
  reconnects: number;
  logonFailures: number;
  /** responses whose TRANSACTION_ID matched no outstanding request. */
  unmatchedResponses: number;
  /** current DB_STATUS ("" until the first logon). */
  dbStatus: string;
}

/** SEGW failover (operations spec section 5). */
export interface SegwCounters {
  /** failovers started (a switch to the next SEGW address). */
  failovers: number;
  /** initiates that failed or timed out. */
  initiateFailures: number;
}

export function newCommandCounters(): CommandCounters {
  return { attempts: 0, success: 0, failure: 0 };
}

export function newSipsvcCounters(): SipsvcCounters {
  return {
    commands: {
      auth: newCommandCounters(),
      heartbeat: newCommandCounters(),
      execute: newCommandCounters(),
    },
    connectionsAccepted: 0,
    connectionsAuthenticated: 0,
    connectionsRejected: 0,
    tpsRejections: 0,
    queueRejections: 0,
    timeouts: 0,
    droppedResponses: 0,
  };
}

export function newInsupcServerCounters(): InsupcServerCounters {
  return {
    requests: 0,
    success: 0,
    failureByResult: {},
    failure: 0,
    timeouts: 0,
    connectionLosses: 0,
    reconnects: 0,
    logonFailures: 0,
    unmatchedResponses: 0,
    dbStatus: '',
  };
}

/** success / attempts × 100 with one decimal; 0 when nothing was attempted. */
export function successRate(c: CommandCounters): number {
  return c.attempts === 0 ? 0 : Math.round((c.success / c.attempts) * 1000) / 10;
}

export function newSegwCounters(): SegwCounters {
  return { failovers: 0, initiateFailures: 0 };
}
