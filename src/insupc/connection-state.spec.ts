import { ConnectionState as S, nextConnectionState } from './connection-state';

describe('connection state machine (spec section 6)', () => {
  it('walks CLOSED → CONNECTING → LOGGING_ON → READY → CLOSED → CONNECTING', () => {
    let s = S.CLOSED;
    for (const [event, expected] of [
      ['connect', S.CONNECTING],
      ['connected', S.LOGGING_ON],
      ['logonAccepted', S.READY],
      ['closed', S.CLOSED],
      ['connect', S.CONNECTING],
    ] as const) {
      s = nextConnectionState(s, event)!;
      expect(s).toBe(expected);
    }
  });

  it('a failed connect or a denied logon goes back to CLOSED', () => {
    expect(nextConnectionState(S.CONNECTING, 'closed')).toBe(S.CLOSED);
    expect(nextConnectionState(S.LOGGING_ON, 'closed')).toBe(S.CLOSED);
  });

  it('only LOGGING_ON can become READY; READY cannot be reached by connecting', () => {
    expect(nextConnectionState(S.CONNECTING, 'logonAccepted')).toBeNull();
    expect(nextConnectionState(S.CLOSED, 'logonAccepted')).toBeNull();
    expect(nextConnectionState(S.READY, 'connect')).toBeNull();
  });

  it('stop is terminal from every state', () => {
    for (const s of Object.values(S)) {
      const stopped = s === S.STOPPED ? null : S.STOPPED;
      expect(nextConnectionState(s, 'stop')).toBe(stopped);
    }
    for (const e of ['connect', 'connected', 'logonAccepted', 'closed'] as const) {
      expect(nextConnectionState(S.STOPPED, e)).toBeNull();
    }
  });
});
