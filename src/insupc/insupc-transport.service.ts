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
import {
  InsupcEjectionState,
  InsupcServerState,
  InsupcStateSource,
} from '../contracts/state-sources';
import { ConfigType } from '@nestjs/config';
import {
  applicationConfig,
  insupcConfig,
  loggingConfig,
  messageConfig,
  tcpConfig,
  workerConfig,
} from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { InsupcCounters } from './insupc.counters';
import { InsupcConnection } from './insupc-connection';
import {
  InsupcAnswer,
  InsupcAnswerSink,
  InsupcQueryError,
  InsupcQueryPort,
  InsupcRouteNote,
} from '../contracts/insupc-query.port';
import { NOT_ROUTABLE } from './db-status';
import { DrainedServers } from './drained-servers';
import { InsupcRouter, Selection } from './insupc-router';
import { AvailabilityListener, InsupcServerPool } from './insupc-server-pool';
import { ejectionAllowed } from './outlier-detection';
import { PromiseSink, TrackedQuery } from './tracked-query';
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
  /** the router's arguments, filled in per query (no object per query). */
  private readonly selection: Selection<InsupcServerPool>;
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

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<
    AppConfig,
    'application' | 'insupc' | 'logging' | 'message' | 'tcp' | 'worker'
  >;

  constructor(
    @Inject(applicationConfig.KEY) application: ConfigType<typeof applicationConfig>,
    @Inject(insupcConfig.KEY) insupc: ConfigType<typeof insupcConfig>,
    @Inject(loggingConfig.KEY) logging: ConfigType<typeof loggingConfig>,
    @Inject(messageConfig.KEY) message: ConfigType<typeof messageConfig>,
    @Inject(tcpConfig.KEY) tcp: ConfigType<typeof tcpConfig>,
    @Inject(workerConfig.KEY) worker: ConfigType<typeof workerConfig>,
    counters: InsupcCounters,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Optional() @Inject(INSUPC_SOCKET_CONNECTOR) connector: SocketConnector | null,
    @Optional() private readonly drained: DrainedServers = new DrainedServers(),
  ) {
    this.config = { application, insupc, logging, message, tcp, worker };
    this.debugRouting = logging.level === 'debug' || logging.level === 'trace';
    const logon = {
      systemName: application.systemName,
      logonId: insupc.logon.logonId,
      password: insupc.logon.password,
    };
    const deps = { connector: connector ?? tcpConnector, scheduler, logging };
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
    this.selection = { now: 0, limit: 0, balancing: insupc.balancing, except: null };
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
    exceptServer?: string,
  ): Promise<InsupcAnswer> {
    const sink = new PromiseSink();
    this.send(apiName, inputParams, sink, exceptServer);
    if (routed && sink.server !== '') routed.server = sink.server;
    return sink.answer;
  }

  send(
    apiName: string,
    inputParams: readonly string[],
    sink: InsupcAnswerSink,
    exceptServer?: string,
  ): void {
    if (this.stopping) {
      sink.insupcFailed(new InsupcQueryError('SHUTTING_DOWN', 'gateway shutting down'));
      return;
    }
    const sel = this.selection;
    sel.now = this.scheduler.now();
    sel.limit = this.config.worker.concurrency;
    sel.except = exceptServer === undefined ? null : this.pool(exceptServer);
    // the router chooses by the same predicate as pickConnection, so the first pool it
    // returns has a connection; should it not, the next candidate is tried before giving up
    let pool: InsupcServerPool | null = null;
    let connection: InsupcConnection | null = null;
    for (let i = 0; i < this.pools.length && !connection; i++) {
      pool = this.router.select(sel);
      if (!pool) break;
      connection = pool.pickConnection();
    }
    if (!pool || !connection) {
      sink.insupcFailed(new InsupcQueryError('NO_BACKEND', 'no INSUPC server routable'));
      return;
    }
    if (this.router.lastFallback) this.noteFallback(pool);
    else {
      if (this.inFallback) this.leaveFallback(pool);
      if (this.debugRouting) this.log.debug(pool.selectedLine);
    }
    sink.server = pool.name;
    connection.send(apiName, inputParams, new TrackedQuery(this, pool, sink));
  }

  hasQuerySlot(): boolean {
    return this.router.hasSlot(this.scheduler.now(), this.config.worker.concurrency);
  }

  /** a server other than `server` is routable and under its worker.concurrency now. */
  routableExcept(server: string): boolean {
    const now = this.scheduler.now();
    const except = this.pool(server);
    return (
      this.router.routableCount(now, except) > 0 &&
      this.router.hasSlot(now, this.config.worker.concurrency, except)
    );
  }

  queryTimedOut(server: string): void {
    const pool = this.pool(server);
    if (pool) this.queryFailed(pool);
  }

  /** an answer to a query sent at `sentAt`: in time, it is a success for outlier detection. */
  queryAnswered(pool: InsupcServerPool, sentAt: number): void {
    const now = this.scheduler.now();
    if (now - sentAt < this.config.message.sessionTimeout) pool.outlier.success(now);
  }

  /**
   * A query timed out or was lost with its connection. Enough in a row eject the server,
   * unless that would leave nothing routable or exceed max-ejection-percent.
   */
  queryFailed(pool: InsupcServerPool): void {
    const now = this.scheduler.now();
    const cfg = this.config.insupc.outlierDetection;
    if (!pool.outlier.failure(now, cfg)) return;
    const others = this.router.routableCount(now, pool);
    const ejected = this.router.ejectedCount(now);
    if (!ejectionAllowed(ejected, this.pools.length, others, cfg.maxEjectionPercent)) return;
    const failures = pool.outlier.consecutiveFailures;
    const ms = pool.outlier.eject(now, cfg);
    this.log.warn(
      `[INSUPC|${pool.name}] ejected for ${ms} ms after ${failures} consecutive query failures (${pool.outlier.ejections}-th ejection)`,
    );
  }

  private pool(name: string): InsupcServerPool | null {
    for (const p of this.pools) if (p.name === name) return p;
    return null;
  }

  onServerAvailability(listener: (server: string, loggedOn: number) => void): () => void {
    this.availabilityListeners.add(listener);
    return () => void this.availabilityListeners.delete(listener);
  }

  describeServers(): InsupcServerState[] {
    const now = this.scheduler.now();
    return this.pools.map((p) =>
      p.describe(now, this.router.tierOf(p, now) !== NOT_ROUTABLE, this.drained.has(p.name)),
    );
  }

  routableServerCount(): number {
    return this.router.routableCount(this.scheduler.now());
  }

  ejections(): InsupcEjectionState[] {
    const now = this.scheduler.now();
    return this.pools.map((p) => ({
      server: p.name,
      ejected: p.outlier.isEjected(now),
      ejections: p.outlier.ejectionsTotal,
    }));
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

  /**
   * The backstop of requests that get no answer: 2 × message.session-timeout (read now).
   * Also says when an ejection has ended.
   */
  private sweep(): void {
    const guard = 2 * this.config.message.sessionTimeout;
    const now = this.scheduler.now();
    const cutoff = now - guard;
    for (const pool of this.pools) {
      if (pool.outlier.ended(now)) {
        this.log.log(`[INSUPC|${pool.name}] back in rotation after ejection`);
      }
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
