import { Logger } from '@nestjs/common';
import { BurstLog } from '../common/burst-log';
import type { Scheduler } from '../common/scheduler';
import { isBlockedStatus, type DbStatus } from '../../libs/insupc-protocol/src';
import { InsupcServerState } from '../contracts/state-sources';
import { InsupcClientConfig } from '../config/config.schema';
import { InsupcServerCounters } from './insupc.counters';
import type { ConnectionOwner } from './connection-owner';
import type { InsupcConnection } from './insupc-connection';
import { RoutableServer } from './insupc-router';
import { OutlierState } from './outlier-detection';

/** Told whenever the number of logged-on connections of a server changes. */
export type AvailabilityListener = (server: string, loggedOn: number) => void;

/**
 * One configured INSUPC server: its pool of logged-on connections, its DB_STATUS (shared by
 * all its connections: any of them may report it) and its statistics counters.
 *
 * Routable: see InsupcRouter.tierOf (the one predicate for routing and readiness), which asks
 * the pool for at least one connection that {@link InsupcConnection.acceptsQueries} (READY,
 * write backlog under the limit).
 */
export class InsupcServerPool implements RoutableServer, ConnectionOwner {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  dbStatus = '';
  /** queries written and awaiting their answer, all connections (kept by their channels). */
  inFlight = 0;
  readonly outlier = new OutlierState();
  private lastStatusAt = 0;
  private readonly connections: InsupcConnection[] = [];
  private readyCount = 0;
  private cursor = 0;
  private readonly log: Logger;
  /** log texts built once, not per request. */
  readonly selectedLine: string;
  readonly fallbackLine: string;
  /** `DB Status changed` of a flapping server: the first line at once, then one a second. */
  private readonly statusChanges: BurstLog;

  constructor(
    readonly config: InsupcClientConfig,
    readonly counters: InsupcServerCounters,
    scheduler: Scheduler,
    private readonly availability: AvailabilityListener = () => undefined,
  ) {
    this.name = config.name;
    this.host = config.host;
    this.port = config.port;
    this.log = new Logger(`INSUPC|${config.name}`);
    this.selectedLine = `Selected MA pool: ${config.name}`;
    this.fallbackLine = `using fallback: ${config.name}`;
    this.statusChanges = new BurstLog(scheduler, (n, ms) =>
      this.log.warn(
        `[INSUPC|${this.name}] DB Status changed ${n} times in the last ${ms} ms, now ${this.dbStatus}`,
      ),
    );
  }

  add(connection: InsupcConnection): void {
    this.connections.push(connection);
  }

  all(): readonly InsupcConnection[] {
    return this.connections;
  }

  /** logged-on (READY) connections. */
  loggedOn(): number {
    return this.readyCount;
  }

  hasRoutableConnection(): boolean {
    if (this.readyCount === 0) return false;
    for (const c of this.connections) if (c.acceptsQueries()) return true;
    return false;
  }

  /**
   * The routable connection with the fewest outstanding requests; ties go round-robin so a
   * lightly loaded pool still spreads its connections' use. Null when none is routable.
   */
  pickConnection(): InsupcConnection | null {
    const n = this.connections.length;
    let best: InsupcConnection | null = null;
    let bestIdx = 0;
    for (let i = 0; i < n; i++) {
      const idx = (this.cursor + i) % n;
      const c = this.connections[idx];
      if (!c.acceptsQueries()) continue;
      if (best === null || c.pending.size < best.pending.size) {
        best = c;
        bestIdx = idx;
      }
    }
    if (best) this.cursor = bestIdx + 1;
    return best;
  }

  connectionReady(): void {
    this.availability(this.name, ++this.readyCount);
  }

  connectionLost(): void {
    this.availability(this.name, --this.readyCount);
  }

  /** a DB_STATUS reported by one of this server's connections (logon, heartbeat or push). */
  reportStatus(status: DbStatus): void {
    this.lastStatusAt = Date.now();
    const old = this.dbStatus;
    if (old === status) return;
    this.dbStatus = status;
    if (old === '') return; // first status: the logon line reports it
    if (!this.statusChanges.take()) return;
    const line = `[INSUPC|${this.name}] DB Status changed | old: ${old}, new: ${status}`;
    if (isBlockedStatus(status)) this.log.warn(line);
    else this.log.log(line);
  }

  /**
   * `now` is the scheduler's clock; `routable` the router's verdict (InsupcRouter.tierOf);
   * `ejectedUntil` is given in epoch ms (0 = not ejected).
   */
  describe(now: number, routable: boolean, drained: boolean): InsupcServerState {
    let activeRequests = 0;
    for (const c of this.connections) activeRequests += c.pending.size;
    const ejected = this.outlier.isEjected(now);
    return {
      name: this.name,
      host: this.host,
      port: this.port,
      dbStatus: this.dbStatus,
      lastStatusUpdate: this.lastStatusAt,
      availableConnections: this.readyCount,
      activeRequests,
      totalConnections: this.connections.length,
      isAvailable: routable && this.dbStatus === 'MA',
      routable,
      ejected,
      ejectedUntil: ejected ? Math.round(Date.now() + this.outlier.ejectedUntil - now) : 0,
      consecutiveFailures: this.outlier.consecutiveFailures,
      inFlight: this.inFlight,
      drained,
    };
  }
}
