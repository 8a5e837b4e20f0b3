import { Logger } from '@nestjs/common';
import { ConnectionTimeoutLimits, expiredTimeout, timeoutLogLine } from './connection-timeouts';
import { SipsvcConnection } from './sipsvc-connection';

/** how often the connection timers are checked; a timed-out connection closes within this. */
export const SWEEP_INTERVAL_MS = 1000;
/** a connection closed after an answer (`end()`) that has not gone within this is destroyed. */
export const CLOSING_GRACE_MS = 2000;

/**
 * The SIPSVC connection timers (auth, idle, connection timeout; the grace of a closing
 * connection) as one job over all connections, run every {@link SWEEP_INTERVAL_MS} by the
 * scheduler: no timer per connection. Times are the scheduler's clock; `wallOf` turns one
 * into wall-clock ms for the idle-timeout log line.
 */
export function sweepConnections(
  connections: Iterable<SipsvcConnection>,
  now: number,
  limits: ConnectionTimeoutLimits,
  wallOf: (t: number) => number,
  log: Logger,
): void {
  for (const conn of connections) {
    if (conn.closed) continue;
    if (conn.closing) {
      if (now - conn.closingSince >= CLOSING_GRACE_MS) conn.socket.destroy();
      continue;
    }
    const kind = expiredTimeout(conn, now, limits);
    if (kind === null) continue;
    const shown = {
      authenticated: conn.authenticated,
      connectedAt: conn.connectedAt,
      lastActivityAt: wallOf(conn.lastActivityAt),
    };
    log.log(timeoutLogLine(conn.tag, kind, shown, limits));
    conn.socket.destroy();
  }
}
