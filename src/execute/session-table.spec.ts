import { SipsvcConnectionContext } from '../contracts/sipsvc-message';
import { RequestSession } from './request-session';
import { SessionTable } from './session-table';

/** A connection context that can close, as SipsvcConnection's does (listeners told once). */
class FakeConnection implements SipsvcConnectionContext {
  readonly clientIp = '127.0.0.1';
  readonly clientPort = 1;
  readonly authenticated = true;
  closed = false;
  private readonly listeners: (() => void)[] = [];

  constructor(readonly connectionId: number) {}

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.listeners.push(listener);
  }

  close(): void {
    this.closed = true;
    for (const l of this.listeners.splice(0)) l();
  }
}

const ctx = (connectionId: number) => new FakeConnection(connectionId);

function session(
  table: SessionTable,
  connection: number | FakeConnection,
  startedAt: number,
): RequestSession {
  const c = typeof connection === 'number' ? ctx(connection) : connection;
  const s = new RequestSession(c, 'execute', 'R', '', 'api', [], startedAt);
  table.add(s);
  return s;
}

describe('SessionTable', () => {
  it('finds the sessions of a closed connection without the others, and forgets its index', () => {
    const t = new SessionTable();
    const a1 = session(t, 1, 0);
    session(t, 2, 0);
    const a2 = session(t, 1, 5);
    expect(t.closeConnection(1)).toEqual([a1, a2]);
    expect(t.closeConnection(1)).toEqual([]);
    expect(t.size).toBe(3); // closing the index entry does not end the sessions
  });

  it('lists the sessions started by a time, oldest first; removed ones are gone', () => {
    const t = new SessionTable();
    const early = session(t, 1, 10);
    const mid = session(t, 2, 20);
    session(t, 1, 30);
    expect(t.startedBy(20)).toEqual([early, mid]);
    expect(t.remove(early)).toBe(true);
    expect(t.remove(early)).toBe(false);
    expect(t.startedBy(20)).toEqual([mid]);
    expect(t.closeConnection(1).map((s) => s.startedAt)).toEqual([30]);
  });

  it('keeps both orders when sessions leave from the middle, the ends and twice', () => {
    const t = new SessionTable();
    const [a, b, c, d] = [1, 2, 1, 1].map((conn, i) => session(t, conn, i));
    t.add(b); // a second add changes nothing
    expect(t.size).toBe(4);
    expect(t.remove(c)).toBe(true); // middle of both lists
    expect(t.remove(a)).toBe(true); // head of both
    expect(t.remove(a)).toBe(false);
    expect(t.all()).toEqual([b, d]);
    expect(t.startedBy(2)).toEqual([b]);
    const e = session(t, 1, 9);
    expect(t.remove(e)).toBe(true); // tail of both
    expect(t.all()).toEqual([b, d]);
    expect(t.closeConnection(1)).toEqual([d]);
    expect(t.size).toBe(2);
  });

  it('a session of a closed connection still leaves the table, and leaves no links behind', () => {
    const t = new SessionTable();
    const a = session(t, 1, 0);
    const b = session(t, 1, 1);
    expect(t.closeConnection(1)).toEqual([a, b]);
    expect(t.remove(b)).toBe(true);
    expect(t.remove(a)).toBe(true);
    expect(t.size).toBe(0);
    expect(t.all()).toEqual([]);
    for (const s of [a, b]) {
      expect([s.tablePrev, s.tableNext, s.connectionPrev, s.connectionNext]).toEqual([
        null,
        null,
        null,
        null,
      ]);
    }
    const c = session(t, 1, 2); // the same connection id again starts a fresh list
    expect(t.closeConnection(1)).toEqual([c]);
  });

  it('a session added after its connection closed joins no connection index (nothing would drop it)', () => {
    const t = new SessionTable();
    const conn = ctx(7);
    conn.close();
    // as ExecuteService does: the close listener first (run at once: closed), then the session
    conn.onClose(() => t.closeConnection(conn.connectionId));
    const s = session(t, conn, 0);
    expect(t.connectionCount).toBe(0);
    expect(t.all()).toEqual([s]); // still answered by the timeout sweep
    expect(s.connectionList).toBeNull();
    expect(t.remove(s)).toBe(true);
    expect(t.size).toBe(0);
  });

  it('an open connection is indexed until it closes', () => {
    const t = new SessionTable();
    const conn = ctx(8);
    conn.onClose(() => t.closeConnection(conn.connectionId));
    const s = session(t, conn, 0);
    expect(t.connectionCount).toBe(1);
    conn.close();
    expect(t.connectionCount).toBe(0);
    expect(s.connectionList).toBeNull();
  });

  it('refuses a session out of start order (startedBy relies on it)', () => {
    const t = new SessionTable();
    session(t, 1, 10);
    session(t, 1, 10); // the same time is in order
    expect(() => session(t, 1, 9)).toThrow('sessions must be added in start order');
    expect(t.size).toBe(2);
  });
});
