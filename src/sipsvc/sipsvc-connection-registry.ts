import { Injectable } from '@nestjs/common';
import { SipsvcConnectionState } from '../contracts/state-sources';
import { SipsvcConnection } from './sipsvc-connection';

/**
 * The open SIPSVC connections, with the count of authenticated ones kept incrementally
 * (`tcp.server.max-connections` counts authenticated connections only) and the
 * unauthenticated ones per source address (`tcp.server.max-pending-per-ip`).
 */
@Injectable()
export class SipsvcConnectionRegistry {
  private readonly connections = new Map<number, SipsvcConnection>();
  private authenticatedCount = 0;
  private readonly pendingByIp = new Map<string, number>();
  private lastId = 0;

  nextId(): number {
    return ++this.lastId;
  }

  add(conn: SipsvcConnection): void {
    this.connections.set(conn.connectionId, conn);
    if (!conn.authenticated)
      this.pendingByIp.set(conn.clientIp, this.pendingFrom(conn.clientIp) + 1);
  }

  remove(conn: SipsvcConnection): void {
    if (!this.connections.delete(conn.connectionId)) return;
    if (conn.authenticated) this.authenticatedCount--;
    else this.leavePending(conn.clientIp);
  }

  /** connections not authenticated (yet). */
  get pending(): number {
    return this.connections.size - this.authenticatedCount;
  }

  pendingFrom(ip: string): number {
    return this.pendingByIp.get(ip) ?? 0;
  }

  private leavePending(ip: string): void {
    const n = this.pendingFrom(ip) - 1;
    if (n > 0) this.pendingByIp.set(ip, n);
    else this.pendingByIp.delete(ip);
  }

  get size(): number {
    return this.connections.size;
  }

  get authenticated(): number {
    return this.authenticatedCount;
  }

  all(): IterableIterator<SipsvcConnection> {
    return this.connections.values();
  }

  /**
   * Marks `conn` authenticated if fewer than `max` connections are; idempotent for a
   * connection that already is. Returns false when the limit is reached.
   */
  tryAuthenticate(conn: SipsvcConnection, max: number): boolean {
    if (conn.authenticated) return true;
    if (conn.closed || this.authenticatedCount >= max) return false;
    conn.authenticated = true;
    this.authenticatedCount++;
    if (this.connections.has(conn.connectionId)) this.leavePending(conn.clientIp);
    return true;
  }

  describe(
    wallOf: (t: number) => number,
    limit = Infinity,
  ): {
    total: number;
    authenticated: number;
    connections: SipsvcConnectionState[];
  } {
    const connections: SipsvcConnectionState[] = [];
    for (const c of this.connections.values()) {
      if (connections.length >= limit) break;
      connections.push(c.describe(wallOf));
    }
    return { total: this.connections.size, authenticated: this.authenticatedCount, connections };
  }
}
