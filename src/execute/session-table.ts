import { RequestSession } from './request-session';

/**
 * The open request sessions: by request id in start order (the expired ones are at the
 * front), and by SIPSVC connection (a closed connection's sessions are found without a scan).
 */
export class SessionTable {
  private readonly byId = new Map<number, RequestSession>();
  private readonly byConnection = new Map<number, Set<RequestSession>>();
  private lastId = 0;

  get size(): number {
    return this.byId.size;
  }

  nextId(): number {
    return ++this.lastId;
  }

  add(s: RequestSession): void {
    this.byId.set(s.requestId, s);
    const id = s.connection.connectionId;
    let set = this.byConnection.get(id);
    if (!set) {
      set = new Set();
      this.byConnection.set(id, set);
    }
    set.add(s);
  }

  /** false when `s` was not (or no longer) in the table. */
  remove(s: RequestSession): boolean {
    if (!this.byId.delete(s.requestId)) return false;
    const id = s.connection.connectionId;
    // an emptied set stays until its connection closes: no Set per request on a quiet one
    this.byConnection.get(id)?.delete(s);
    return true;
  }

  /** The connection closed: its open sessions (a copy), and its index entry is dropped. */
  closeConnection(connectionId: number): RequestSession[] {
    const set = this.byConnection.get(connectionId);
    this.byConnection.delete(connectionId);
    return set ? [...set] : [];
  }

  /** sessions started at or before `startedBy`, oldest first, as a copy. */
  startedBy(startedBy: number): RequestSession[] {
    const out: RequestSession[] = [];
    for (const s of this.byId.values()) {
      if (s.startedAt > startedBy) break;
      out.push(s);
    }
    return out;
  }

  all(): RequestSession[] {
    return [...this.byId.values()];
  }
}
