import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { HEADER_SIZE } from '../../libs/insupc-protocol/src';
import { ScheduledTask, SCHEDULER, Scheduler } from '../common/scheduler';
import { InsupcServerState, InsupcStateSource } from '../contracts/state-sources';
import { AppConfig } from '../config/config.schema';
import { InsupcCounters } from './insupc.counters';
import { InsupcConnection } from './insupc-connection';
import {
  InsupcAnswer,
  InsupcQueryError,
  InsupcQueryPort,
  InsupcRouteNote,
} from '../contracts/insupc-query.port';
import { DrainedServers } from './drained-servers';
import { InsupcRouter } from './insupc-router';
import { AvailabilityListener, InsupcServerPool } from './insupc-server-pool';
import { INSUPC_SOCKET_CONNECTOR, SocketConnector, tcpConnector } from './socket-connector';

/** Longest pause between two backstop sweeps of the pending requests. */
const MAX_SWEEP_INTERVAL_MS = 1000;
/** the named job of the backstop sweep (SchedulerRegistry). */
export const PENDING_BACKSTOP_JOB = 'insupc-pending-backstop';

function sessionName(n: number): string {
  return `INSUP_SESSION_${String(n).padStart(3, '0')}`;
}

/**
 * The gateway's INSUPC transport: one pool per `insupc.clients[]` entry, the router of
 * binary protocol section 5 in front of them, and the backstop sweep for requests whose
 * answer never comes. Serves the execute path (INSUPC_QUERY) and operations (INSUPC_STATE).
 */
@Injectable()
export class InsupcTransport
  implements InsupcQueryPort, InsupcStateSource, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly log = new Logger('InsupcTransport');
  private readonly pools: InsupcServerPool[];
  private readonly router: InsupcRouter<InsupcServerPool>;
  private sweepJob: ScheduledTask | null = null;
  private sweepPeriod = 0;
  private readonly availabilityListeners = new Set<AvailabilityListener>();
  private stopping = false;
  private released: Promise<void> | null = null;
  /** whether the last routed request went to a fallback server (WARN only on changes). */
  private inFallback = false;
  /**
   * Per-request debug lines are skipped unless debug is on: Nest's logger does its work
   * before pino drops the line, which cost ~2% of gateway CPU under load (docs/benchmark.md).
   * logging.level needs a restart, so reading it once is enough.
   */
  private readonly debugRouting: boolean;
  private readonly fallbackWarned = new Set<InsupcServerPool>();

  constructor(
    private readonly config: AppConfig,
    counters: InsupcCounters,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Optional() @Inject(INSUPC_SOCKET_CONNECTOR) connector: SocketConnector | null,
    @Optional() private readonly drained: DrainedServers = new DrainedServers(),
  ) {
    this.debugRouting = config.logging.level === 'debug' || config.logging.level === 'trace';
    const insupc = config.insupc;
    const logon = {
      systemName: config.application.systemName,
      logonId: insupc.logon.logonId,
      password: insupc.logon.password,
    };
    const deps = { connector: connector ?? tcpConnector, scheduler, logging: config.logging };
    // a throwing listener must not break the connection that changed state
    const availability: AvailabilityListener = (server, loggedOn) => {
      for (const listener of this.availabilityListeners) {
        try {
          listener(server, loggedOn);
        } catch (err) {
          this.log.error(`server availability listener failed: ${String(err)}`);
        }
      }
    };
    let session = 0;
    this.pools = insupc.clients.map((client) => {
      const pool = new InsupcServerPool(
        client,
        counters.server(client.name),
        scheduler,
        availability,
      );
      for (let i = 0; i < client.connectionPoolSize; i++) {
        const identity = {
          sessionId: sessionName(++session),
          asId: insupc.asId,
          logon,
          maxFrameBytes: insupc.maxFrameBytes,
        };
        pool.add(new InsupcConnection(pool, identity, deps));
      }
      return pool;
    });
    counters.dbStatusOf = (name) => this.pools.find((p) => p.name === name)?.dbStatus ?? '';
    this.router = new InsupcRouter(this.pools, drained);
  }

  onApplicationBootstrap(): void {
    for (const pool of this.pools) {
      this.log.log(
        `INSUPC pool ${pool.name}: ${pool.host}:${pool.port}, ${pool.config.connectionPoolSize} connection(s)`,
      );
      for (const c of pool.all()) c.start();
    }
    this.warnOversizedExecutes();
    this.scheduleSweep();
  }

  /** every min(1 s, session-timeout); re-scheduled when a reload changes session-timeout. */
  private scheduleSweep(): void {
    this.sweepPeriod = Math.min(MAX_SWEEP_INTERVAL_MS, this.config.message.sessionTimeout);
    this.sweepJob = this.scheduler.every(PENDING_BACKSTOP_JOB, this.sweepPeriod, () =>
      this.sweep(),
    );
  }

  /**
   * A SIPSVC message up to tcp.server.max-message-bytes can carry an execute whose DB_QUERY
   * frame exceeds insupc.max-frame-bytes: such executes are refused (result 1), say so once.
   */
  private warnOversizedExecutes(): void {
    const maxMessage = this.config.tcp.server.maxMessageBytes;
    const maxFrame = this.config.insupc.maxFrameBytes;
    // worst case: every 3 JSON bytes (`"",`) become a 4-byte parameter header
    if (HEADER_SIZE + Math.ceil((4 * maxMessage) / 3) <= maxFrame) return;
    this.log.warn(
      `tcp.server.max-message-bytes ${maxMessage} allows executes whose DB_QUERY_REQUEST exceeds insupc.max-frame-bytes ${maxFrame}; such executes are refused with result 1`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.release();
  }

  query(
    apiName: string,
    inputParams: readonly string[],
    routed?: InsupcRouteNote,
  ): Promise<InsupcAnswer> {
    if (this.stopping) {
      return Promise.reject(new InsupcQueryError('SHUTTING_DOWN', 'gateway shutting down'));
    }
    // the router chooses by the same predicate as pickConnection, so the first pool it
    // returns has a connection; should it not, the next candidate is tried before giving up
    let pool: InsupcServerPool | null = null;
    let connection: InsupcConnection | null = null;
    for (let i = 0; i < this.pools.length && !connection; i++) {
      pool = this.router.select();
      if (!pool) break;
      connection = pool.pickConnection();
    }
    if (!pool || !connection) {
      return Promise.reject(new InsupcQueryError('NO_BACKEND', 'no INSUPC server routable'));
    }
    if (this.router.lastFallback) this.noteFallback(pool);
    else {
      if (this.inFallback) this.leaveFallback(pool);
      if (this.debugRouting) this.log.debug(pool.selectedLine);
    }
    if (routed) routed.server = pool.name;
    return new Promise<InsupcAnswer>((resolve, reject) =>
      connection.send(apiName, inputParams, { resolve, reject, sentAt: 0 }),
    );
  }

  onServerAvailability(listener: (server: string, loggedOn: number) => void): () => void {
    this.availabilityListeners.add(listener);
    return () => void this.availabilityListeners.delete(listener);
  }

  describeServers(): InsupcServerState[] {
    return this.pools.map((p) => p.describe(this.drained.has(p.name)));
  }

  routableServerCount(): number {
    return this.router.routableCount();
  }

  pendingRequests(): number {
    let n = 0;
    for (const pool of this.pools) for (const c of pool.all()) n += c.pending.size;
    return n;
  }

  /** DB_RELEASE_REQUEST on every logged-on connection, then close; idempotent. */
  release(): Promise<void> {
    if (this.released) return this.released;
    this.stopping = true;
    this.sweepJob?.cancel();
    this.sweepJob = null;
    const stops: Promise<void>[] = [];
    for (const pool of this.pools) for (const c of pool.all()) stops.push(c.stop());
    this.released = Promise.all(stops).then(() => this.log.log('INSUPC connections released'));
    return this.released;
  }

  /**
   * `using fallback: <name>` is a WARN, so it is logged when the routing falls back to a
   * server, not for every request that follows while it stays so (those log at debug).
   */
  private noteFallback(pool: InsupcServerPool): void {
    this.inFallback = true;
    if (this.fallbackWarned.has(pool)) {
      if (this.debugRouting) this.log.debug(pool.fallbackLine);
      return;
    }
    this.fallbackWarned.add(pool);
    this.log.warn(pool.fallbackLine);
  }

  private leaveFallback(pool: InsupcServerPool): void {
    this.inFallback = false;
    this.fallbackWarned.clear();
    this.log.log(`MA server routable again, leaving fallback: ${pool.name}`);
  }

  /** The backstop of requests that get no answer: 2 × message.session-timeout (read now). */
  private sweep(): void {
    const guard = 2 * this.config.message.sessionTimeout;
    const cutoff = this.scheduler.now() - guard;
    for (const pool of this.pools) {
      for (const c of pool.all()) {
        const n = c.expire(cutoff);
        if (n > 0) {
          this.log.warn(
            `[INSUPC|${pool.name}] ${n} request(s) unanswered for ${guard}ms failed with TIMEOUT, session=${c.sessionId}`,
          );
        }
      }
    }
    const period = Math.min(MAX_SWEEP_INTERVAL_MS, this.config.message.sessionTimeout);
    if (period !== this.sweepPeriod && !this.stopping) this.scheduleSweep();
  }
}
