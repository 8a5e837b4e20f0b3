import { Logger } from '@nestjs/common';
import { isBlockedStatus, type DbStatus } from '../../libs/insupc-protocol/src';
import { InsupcServerState } from '../contracts/state-sources';
import { InsupcClientConfig } from '../config/config.schema';
import { InsupcServerCounters } from './insupc.counters';
import { ConnectionState } from './connection-state';
import { NOT_ROUTABLE, routingTier } from './db-status';
import type { InsupcConnection } from './insupc-connection';
import { RoutableServer } from './insupc-router';

/**
 * A connection whose socket holds more unsent bytes than this is not given new queries until
 * the server reads again: a server that stops reading must not make the gateway buffer
 * queries without bound. Queries then go to another connection or server, or are answered
 * "No INSUPC server available" at once.
 */
export const MAX_WRITE_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * One configured INSUPC server: its pool of logged-on connections, its DB_STATUS (shared by
 * all its connections: any of them may report it) and its statistics counters.
 */
export class InsupcServerPool implements RoutableServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  dbStatus = '';
  private lastStatusAt = 0;
  private readonly connections: InsupcConnection[] = [];
  private readyCount = 0;
  private cursor = 0;
  private readonly log: Logger;
  /** log texts built once, not per request. */
  readonly selectedLine: string;
  readonly fallbackLine: string;

  constructor(
    readonly config: InsupcClientConfig,
    readonly counters: InsupcServerCounters,
  ) {
    this.name = config.name;
    this.host = config.host;
    this.port = config.port;
    this.log = new Logger(`INSUPC|${config.name}`);
    this.selectedLine = `Selected MA pool: ${config.name}`;
    this.fallbackLine = `using fallback: ${config.name}`;
  }

  add(connection: InsupcConnection): void {
    this.connections.push(connection);
  }

  all(): readonly InsupcConnection[] {
    return this.connections;
  }

  hasReadyConnection(): boolean {
    return this.readyCount > 0;
  }

  /**
   * The READY connection with the fewest outstanding requests; ties go round-robin so a
   * lightly loaded pool still spreads its connections' use. Null when none is READY with a
   * write backlog under {@link MAX_WRITE_BACKLOG_BYTES}.
   */
  pickConnection(): InsupcConnection | null {
    const n = this.connections.length;
    let best: InsupcConnection | null = null;
    let bestIdx = 0;
    for (let i = 0; i < n; i++) {
      const idx = (this.cursor + i) % n;
      const c = this.connections[idx];
      if (c.state !== ConnectionState.READY) continue;
      if (c.writeBacklog() > MAX_WRITE_BACKLOG_BYTES) {
        this.noteBacklog(c);
        continue;
      }
      if (best === null || c.pending.size < best.pending.size) {
        best = c;
        bestIdx = idx;
      }
    }
    if (best) this.cursor = bestIdx + 1;
    return best;
  }

  private readonly backlogged = new WeakSet<InsupcConnection>();

  /** WARN once per episode; the flag clears when the connection drains (see insupc-connection). */
  private noteBacklog(c: InsupcConnection): void {
    if (this.backlogged.has(c)) return;
    this.backlogged.add(c);
    this.log.warn(
      `${c.sessionId}: ${c.writeBacklog()} bytes not yet read by the server; no new queries on this connection until it drains`,
    );
  }

  /** the connection's socket drained below its buffer: it takes queries again. */
  backlogDrained(c: InsupcConnection): void {
    if (this.backlogged.delete(c)) this.log.log(`${c.sessionId}: write backlog drained`);
  }

  connectionReady(): void {
    this.readyCount++;
  }

  connectionLost(): void {
    this.readyCount--;
  }

  /** a DB_STATUS reported by one of this server's connections (logon, heartbeat or push). */
  reportStatus(status: DbStatus): void {
    this.lastStatusAt = Date.now();
    const old = this.dbStatus;
    if (old === status) return;
    this.dbStatus = status;
    if (old === '') return; // first status: the logon line reports it
    const line = `[INSUPC|${this.name}] DB Status changed | old: ${old}, new: ${status}`;
    if (isBlockedStatus(status)) this.log.warn(line);
    else this.log.log(line);
  }

  isRoutable(): boolean {
    return this.readyCount > 0 && routingTier(this.dbStatus) !== NOT_ROUTABLE;
  }

  describe(): InsupcServerState {
    let activeRequests = 0;
    for (const c of this.connections) activeRequests += c.pending.size;
    return {
      name: this.name,
      host: this.host,
      port: this.port,
      dbStatus: this.dbStatus,
      lastStatusUpdate: this.lastStatusAt ? new Date(this.lastStatusAt).toISOString() : null,
      availableConnections: this.readyCount,
      activeRequests,
      totalConnections: this.connections.length,
      isAvailable: this.isRoutable(),
    };
  }
}
