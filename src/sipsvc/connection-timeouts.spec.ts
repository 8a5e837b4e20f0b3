import { expiredTimeout, formatLogTime, timeoutLogLine } from './connection-timeouts';

const limits = { authTimeout: 5000, idleTimeout: 60000, connectionTimeout: 7200000 };

describe('connection timeouts', () => {
  it('closes an unauthenticated connection after auth-timeout only', () => {
    const c = { authenticated: false, connectedAt: 0, lastActivityAt: 4000 };
    expect(expiredTimeout(c, 4999, limits)).toBeNull();
    // activity does not extend the auth deadline
    expect(expiredTimeout(c, 5000, limits)).toBe('auth');
  });

  it('closes an authenticated connection idle for idle-timeout', () => {
    const c = { authenticated: true, connectedAt: 0, lastActivityAt: 10000 };
    expect(expiredTimeout(c, 69999, limits)).toBeNull();
    expect(expiredTimeout(c, 70000, limits)).toBe('idle');
  });

  it('closes an authenticated connection older than connection-timeout even when active', () => {
    const c = { authenticated: true, connectedAt: 0, lastActivityAt: 7199999 };
    expect(expiredTimeout(c, 7200000, limits)).toBe('connection');
  });

  it('logs with the [SIPSVC|IP:PORT] prefix and the seed time format', () => {
    expect(formatLogTime(new Date(2024, 9, 22, 14, 30, 45, 123).getTime())).toBe(
      '2024-10-22 14:30:45.123',
    );
    const c = { authenticated: true, connectedAt: 0, lastActivityAt: 0 };
    expect(timeoutLogLine('[SIPSVC|127.0.0.1:5000]', 'idle', c, limits)).toMatch(
      /^\[SIPSVC\|127\.0\.0\.1:5000\] Idle timeout - no message for 60000 ms \(lastActivity: .+\), closing connection$/,
    );
    expect(timeoutLogLine('[SIPSVC|x:1]', 'auth', c, limits)).toBe(
      '[SIPSVC|x:1] Auth timeout - not authenticated within 5000 ms, closing connection',
    );
  });
});
