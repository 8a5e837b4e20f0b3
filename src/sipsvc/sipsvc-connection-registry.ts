import { Injectable } from '@nestjs/common';
import { SipsvcConnectionState } from '../contracts/state-sources';
import { SipsvcConnection } from './sipsvc-connection';

/**
 * The open SIPSVC connections, with the count of authenticated ones kept incrementally
 * (`tcp.server.max-connections` counts authenticated connections only).
 */
@Injectable()
export class SipsvcConnectionRegistry {
  private readonly connections = new Map<number, SipsvcConnection>();
  private authenticatedCount = 0;
  private lastId = 0;

  nextId(): number {
    return ++this.lastId;
  }

  add(conn: SipsvcConnection): void {
    this.connections.set(conn.connectionId, conn);
  }

  remove(conn: SipsvcConnection): void {
    if (!this.connections.delete(conn.connectionId)) return;
    if (conn.authenticated) this.authenticatedCount--;
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
    return true;
  }

  describe(wallOf: (t: number) => number): {
    total: number;
    authenticated: number;
    connections: SipsvcConnectionState[];
  } {
    const connections: SipsvcConnectionState[] = [];
    for (const c of this.connections.values()) connections.push(c.describe(wallOf));
    return { total: this.connections.size, authenticated: this.authenticatedCount, connections };
  }
}
