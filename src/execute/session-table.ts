import { RequestSession, SessionList } from './request-session';

/**
 * The open request sessions: all of them in start order (the expired ones are at the front),
 * and those of each SIPSVC connection (a closed connection's sessions are found without a
 * scan).
 *
 * Both are intrusive doubly-linked lists through the sessions, not a Map and a Set per
 * connection: a Map or Set that takes one entry per execute and drops it again rehashes into
 * a new backing table every few hundred executes, and V8 links each old table to its
 * successor. Once one old table has been promoted, that chain keeps every later table, and
 * the finished sessions in it, alive through scavenges until the next mark-compact: under
 * load the young-generation survivors went from tens of KB to 0.7–1.4 MB per scavenge, and
 * the old generation grew by 3–5 MB/s (docs/benchmark.md, "Per-request Map churn"). A list
 * link is cleared when its session leaves, so nothing finished stays reachable.
 *
 * Assumed, and checked in `add`: sessions arrive in start order (`startedAt` never goes
 * back), which is what lets `startedBy` stop at the first younger session. A session whose
 * connection has closed already joins the start-order list only: its connection's index
 * entry was dropped by `closeConnection` and must not come back (nothing would drop it again).
 */
export class SessionTable {
  private head: RequestSession | null = null;
  private tail: RequestSession | null = null;
  private count = 0;
  /** per connection id; an emptied list stays until its connection closes. */
  private readonly byConnection = new Map<number, SessionList>();

  get size(): number {
    return this.count;
  }

  /** connections with an index entry (open ones that had a session). */
  get connectionCount(): number {
    return this.byConnection.size;
  }

  add(s: RequestSession): void {
    if (s.inTable) return;
    if (this.tail && s.startedAt < this.tail.startedAt) {
      throw new Error(
        `SessionTable: a session started at ${s.startedAt} after one started at ${this.tail.startedAt}: sessions must be added in start order`,
      );
    }
    s.inTable = true;
    s.tablePrev = this.tail;
    s.tableNext = null;
    if (this.tail) this.tail.tableNext = s;
    else this.head = s;
    this.tail = s;
    this.count++;
    if (s.connection.closed) return;

    const id = s.connection.connectionId;
    let list = this.byConnection.get(id);
    if (!list) {
      list = { head: null, tail: null };
      this.byConnection.set(id, list);
    }
    s.connectionList = list;
    s.connectionPrev = list.tail;
    s.connectionNext = null;
    if (list.tail) list.tail.connectionNext = s;
    else list.head = s;
    list.tail = s;
  }

  /** false when `s` was not (or no longer) in the table. */
  remove(s: RequestSession): boolean {
    if (!s.inTable) return false;
    s.inTable = false;
    const prev = s.tablePrev;
    const next = s.tableNext;
    if (prev) prev.tableNext = next;
    else this.head = next;
    if (next) next.tablePrev = prev;
    else this.tail = prev;
    s.tablePrev = s.tableNext = null;
    this.count--;
    leaveConnectionList(s);
    return true;
  }

  /** The connection closed: its open sessions (a copy), and its index entry is dropped. */
  closeConnection(connectionId: number): RequestSession[] {
    const list = this.byConnection.get(connectionId);
    this.byConnection.delete(connectionId);
    const out: RequestSession[] = [];
    if (!list) return out;
    for (let s = list.head; s; s = s.connectionNext) out.push(s);
    for (const s of out) {
      s.connectionList = s.connectionPrev = s.connectionNext = null;
    }
    list.head = list.tail = null;
    return out;
  }

  /** sessions started at or before `startedBy`, oldest first, as a copy. */
  startedBy(startedBy: number): RequestSession[] {
    const out: RequestSession[] = [];
    for (let s = this.head; s && s.startedAt <= startedBy; s = s.tableNext) out.push(s);
    return out;
  }

  all(): RequestSession[] {
    const out: RequestSession[] = [];
    for (let s = this.head; s; s = s.tableNext) out.push(s);
    return out;
  }
}

function leaveConnectionList(s: RequestSession): void {
  const list = s.connectionList;
  if (!list) return;
  const prev = s.connectionPrev;
  const next = s.connectionNext;
  if (prev) prev.connectionNext = next;
  else list.head = next;
  if (next) next.connectionPrev = prev;
  else list.tail = prev;
  s.connectionList = s.connectionPrev = s.connectionNext = null;
}
