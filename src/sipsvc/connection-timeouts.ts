/** The connection timers of sipsvc-json-protocol.md section 4, as a pure policy. */

export interface TimedConnection {
  authenticated: boolean;
  connectedAt: number;
  lastActivityAt: number;
}

export interface ConnectionTimeoutLimits {
  authTimeout: number;
  idleTimeout: number;
  connectionTimeout: number;
}

export type ConnectionTimeoutKind = 'auth' | 'idle' | 'connection';

/** Which timeout, if any, this connection has passed at `now`. */
export function expiredTimeout(
  c: TimedConnection,
  now: number,
  limits: ConnectionTimeoutLimits,
): ConnectionTimeoutKind | null {
  if (!c.authenticated) return now - c.connectedAt >= limits.authTimeout ? 'auth' : null;
  if (now - c.connectedAt >= limits.connectionTimeout) return 'connection';
  if (now - c.lastActivityAt >= limits.idleTimeout) return 'idle';
  return null;
}

/** `2024-10-22 14:30:45.123` (local time), the seed's format for lastActivity in timeout logs. */
export function formatLogTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`
  );
}

export function timeoutLogLine(
  tag: string,
  kind: ConnectionTimeoutKind,
  c: TimedConnection,
  limits: ConnectionTimeoutLimits,
): string {
  switch (kind) {
    case 'auth':
      return `${tag} Auth timeout - not authenticated within ${limits.authTimeout} ms, closing connection`;
    case 'idle':
      return `${tag} Idle timeout - no message for ${limits.idleTimeout} ms (lastActivity: ${formatLogTime(c.lastActivityAt)}), closing connection`;
    case 'connection':
      return `${tag} Connection timeout - connected longer than ${limits.connectionTimeout} ms, closing connection`;
  }
}
