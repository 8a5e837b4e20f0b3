/**
 * Life cycle of one INSUPC connection (binary protocol section 6):
 *
 *   CLOSED --connect--> CONNECTING --connected--> LOGGING_ON --logonAccepted--> READY
 *   CONNECTING | LOGGING_ON | READY --closed--> CLOSED   (then connect after retry-interval)
 *   any --stop--> STOPPED                                 (graceful shutdown; terminal)
 *
 * A denied logon, a read-timeout, heartbeat misses, a socket error or the peer closing all
 * end in `closed`; only READY carries queries.
 */
export enum ConnectionState {
  CLOSED = 'CLOSED',
  CONNECTING = 'CONNECTING',
  LOGGING_ON = 'LOGGING_ON',
  READY = 'READY',
  STOPPED = 'STOPPED',
}

export type ConnectionEvent = 'connect' | 'connected' | 'logonAccepted' | 'closed' | 'stop';

const TRANSITIONS: Readonly<
  Record<ConnectionState, Partial<Record<ConnectionEvent, ConnectionState>>>
> = {
  [ConnectionState.CLOSED]: { connect: ConnectionState.CONNECTING, stop: ConnectionState.STOPPED },
  [ConnectionState.CONNECTING]: {
    connected: ConnectionState.LOGGING_ON,
    closed: ConnectionState.CLOSED,
    stop: ConnectionState.STOPPED,
  },
  [ConnectionState.LOGGING_ON]: {
    logonAccepted: ConnectionState.READY,
    closed: ConnectionState.CLOSED,
    stop: ConnectionState.STOPPED,
  },
  [ConnectionState.READY]: { closed: ConnectionState.CLOSED, stop: ConnectionState.STOPPED },
  [ConnectionState.STOPPED]: {},
};

/** the state after `event`, or null when the event does not apply in `state` (ignored). */
export function nextConnectionState(
  state: ConnectionState,
  event: ConnectionEvent,
): ConnectionState | null {
  return TRANSITIONS[state][event] ?? null;
}
