import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { LogThrottle } from '../common/log-throttle';
import { SessionStateSource } from '../common/state-sources';
import { AppConfig } from '../config/config.schema';
import {
  INSUPC_QUERY,
  InsupcAnswer,
  InsupcQueryError,
  InsupcQueryPort,
} from '../insupc/insupc-query.port';
import { MetricsService } from '../metrics/metrics.service';
import { ServiceStateService } from '../oam/service-state.service';
import { SipsvcConnectionContext, SipsvcReply, SipsvcRequest } from '../sipsvc/sipsvc-message';
import { SipsvcServer } from '../sipsvc/sipsvc.server';
import { ResultText, SipsvcResult, SipsvcResultCode } from '../sipsvc/sipsvc-result';
import { SipsvcCounters } from '../statistics/statistics.counters';
import { StatisticsService } from '../statistics/statistics.service';
import { CLOCK, Clock, monotonicClock } from './clock';
import { ExecuteLogWriter, ExecuteOutcome } from './execute-log.writer';
import { parseExecute, reqNoText } from './execute-request';
import { InsupcRecvQueue } from './insupc-recv-queue';
import { LOAD_LEVELS, percent } from './load-level';
import { LoadMonitor } from './load-monitor';
import { RequestSession, SessionPhase } from './request-session';
import { reply as failure, replyFromAnswer, replyFromQueryError } from './result-mapping';
import { TpsLimiter } from './tps-limiter';
import { WorkerQueue } from './worker-queue';

const LOAD_INTERVAL_MS = 1000;
const MAX_SWEEP_INTERVAL_MS = 250;

/**
 * The execute pipeline: SIPSVC `execute` → load checks → request session → worker queue →
 * INSUPC query → receive queue → exactly one reply. Every way a session ends goes through
 * `finish`, which resolves the handler's promise once and removes the session.
 *
 * Order of refusals (each answered at once, no session created): shutting down (18), service
 * BLOCKED (3), TPS (4), malformed body (1), max-sessions (18); then the worker queue (18).
 * The token was checked by the transport before the handler ran.
 *
 * INSUPC connection lost mid-flight is answered 9 at once, never retried: the port does not
 * say whether the request reached the server, and a DB query is not known to be idempotent.
 */
@Injectable()
export class ExecuteService implements SessionStateSource, OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('ExecuteService');
  private readonly sessions = new Map<number, RequestSession>();
  private nextRequestId = 1;
  private readonly tps = new TpsLimiter();
  private readonly workers: WorkerQueue<RequestSession>;
  private readonly recvQueue: InsupcRecvQueue<RequestSession>;
  private readonly load = new LoadMonitor();
  private readonly counters: SipsvcCounters;
  private refusing = false;
  private drainWaiters: (() => void)[] = [];
  private sweepTimer: NodeJS.Timeout | null = null;
  private loadTimer: NodeJS.Timeout | null = null;
  /** executes offered since the last load sample (refused ones included). */
  private offered = 0;
  // since start, for /state (the resettable counts live in statistics)
  private maxSessionRejections = 0;
  private workerQueueRejections = 0;
  private timeoutCount = 0;
  private droppedCount = 0;
  /** one `cleaning up mapping` ERROR a second at most (one per answer under overload). */
  private readonly answerDropLogs = new LogThrottle();

  constructor(
    private readonly config: AppConfig,
    private readonly stats: StatisticsService,
    private readonly serviceState: ServiceStateService,
    @Inject(INSUPC_QUERY) private readonly insupc: InsupcQueryPort,
    private readonly executeLog: ExecuteLogWriter,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = monotonicClock,
    @Optional() private readonly sipsvc?: SipsvcServer,
  ) {
    this.counters = stats.sipsvc;
    this.workers = new WorkerQueue<RequestSession>(
      {
        capacity: () => this.config.worker.queueCapacity,
        concurrency: () => this.config.worker.concurrency,
      },
      this.startQuery,
    );
    const rq = config.insupc.recvQueue;
    this.recvQueue = new InsupcRecvQueue<RequestSession>(
      rq.capacity,
      rq.threadCount,
      this.deliverAnswer,
      // the session, if left open, is still answered by the timeout sweep
      (err) => this.log.error(`INSUPC answer processing failed: ${String(err)}`),
    );
  }

  onModuleInit(): void {
    const rq = this.config.insupc.recvQueue;
    this.log.log(
      `InsupcRecvQueue initialization started - capacity: ${rq.capacity}, threads: ${rq.threadCount}`,
    );
    this.log.log(`InsupcRecvQueue initialization completed - ${rq.threadCount} threads started`);
    const sweepMs = Math.max(
      10,
      Math.min(MAX_SWEEP_INTERVAL_MS, Math.floor(this.config.message.sessionTimeout / 10)),
    );
    this.sweepTimer = setInterval(this.expireTimedOut, sweepMs);
    this.loadTimer = setInterval(this.sampleLoad, LOAD_INTERVAL_MS);
    this.sipsvc?.onConnectionClosed((ctx) => this.connectionClosed(ctx.connectionId));
  }

  /** The `execute` handler body: a reply now (refusals) or a promise of exactly one reply. */
  handle(req: SipsvcRequest, ctx: SipsvcConnectionContext): SipsvcReply | Promise<SipsvcReply> {
    this.counters.commands.execute.attempts++;
    this.offered++;
    if (this.refusing)
      return this.refuse(req, SipsvcResult.INTERNAL_ERROR, ResultText.SHUTTING_DOWN);
    if (this.serviceState.blocked) {
      return this.refuse(req, SipsvcResult.SERVICE_BLOCKED, ResultText.SERVICE_BLOCKED);
    }
    const cfg = this.config;
    const now = this.clock.now();
    if (!this.tps.tryAcquire(now, cfg.tps.maxTps, cfg.tps.windowSize)) {
      this.counters.tpsRejections++;
      return this.refuse(req, SipsvcResult.TPS_LIMIT_EXCEEDED, ResultText.TPS_LIMIT_EXCEEDED);
    }
    const call = parseExecute(req);
    if (typeof call === 'string') return this.refuse(req, SipsvcResult.INVALID_REQUEST, call);
    if (this.sessions.size >= cfg.message.maxSessions) {
      this.counters.queueRejections++;
      this.maxSessionRejections++;
      return this.refuse(req, SipsvcResult.INTERNAL_ERROR, ResultText.MAX_SESSIONS);
    }

    const session = new RequestSession(
      this.nextRequestId++,
      ctx,
      req.cmd,
      reqNoText(req.reqNo),
      req.seq,
      call.apiName,
      call.inputParams,
      now,
    );
    this.sessions.set(session.requestId, session);
    return new Promise<SipsvcReply>((resolve) => {
      session.resolve = resolve;
      if (!this.workers.submit(session)) {
        this.counters.queueRejections++;
        this.workerQueueRejections++;
        this.log.error(
          `Failed to forward message to WorkerQueue - type: execute, requestId: ${session.reqNo} - sending error response to SIPSVC`,
        );
        this.finish(
          session,
          failure(SipsvcResult.INTERNAL_ERROR, ResultText.WORKER_QUEUE_FULL),
          'ERROR(18)',
        );
      }
    });
  }

  /** The SIPSVC connection closed: its sessions end now; their INSUPC answers will be dropped. */
  connectionClosed(connectionId: number): void {
    for (const s of this.sessions.values()) {
      if (s.connection.connectionId !== connectionId) continue;
      // A query still waiting for a slot is never sent, so no answer will come to log as DROPPED.
      const outcome = s.phase === SessionPhase.QUEUED ? 'DROPPED' : null;
      this.finish(s, failure(SipsvcResult.INTERNAL_ERROR, 'Client disconnected'), outcome);
    }
  }

  // ---- SessionStateSource -------------------------------------------------------------

  describeSessions(): { currentSessions: number; [key: string]: unknown } {
    return {
      currentSessions: this.sessions.size,
      maxSessions: this.config.message.maxSessions,
      workerQueueSize: this.workers.size(),
      workerQueueCapacity: this.config.worker.queueCapacity,
      inFlightQueries: this.workers.inFlight(),
      insupcRecvQueueSize: this.recvQueue.size(),
      loadLevel: this.load.level,
      load: this.load.sample,
      tpsRejections: this.tps.rejected,
      maxSessionRejections: this.maxSessionRejections,
      workerQueueRejections: this.workerQueueRejections,
      timeouts: this.timeoutCount,
      droppedResponses: this.droppedCount,
    };
  }

  messageMappingSize(): number {
    return this.sessions.size;
  }

  workerQueueSize(): number {
    return this.workers.size();
  }

  insupcRecvQueueSize(): number {
    return this.recvQueue.size();
  }

  loadLevel(): number {
    return LOAD_LEVELS.indexOf(this.load.level);
  }

  sessionsMax(): number {
    return this.config.message.maxSessions;
  }

  workerQueueCapacity(): number {
    return this.config.worker.queueCapacity;
  }

  insupcRecvQueueCapacity(): number {
    return this.recvQueue.capacity;
  }

  refuseNew(): void {
    this.refusing = true;
  }

  drained(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  onApplicationShutdown(): void {
    this.refusing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.loadTimer) clearInterval(this.loadTimer);
    this.sweepTimer = this.loadTimer = null;
    this.recvQueue.stop();
    // Nobody is left waiting on a promise that will never settle.
    for (const s of this.sessions.values()) {
      this.finish(s, failure(SipsvcResult.INTERNAL_ERROR, ResultText.SHUTTING_DOWN), 'ERROR(18)');
    }
  }

  // ---- pipeline -----------------------------------------------------------------------

  /** Worker slot granted: hand the query to the INSUPC transport. */
  private readonly startQuery = (s: RequestSession): void => {
    s.phase = SessionPhase.IN_FLIGHT;
    s.holdsSlot = true;
    let pending: Promise<InsupcAnswer>;
    try {
      // the transport notes the routed server in s.server (named by a TIMEOUT line)
      pending = this.insupc.query(s.apiName, s.inputParams, s);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (answer) => this.onAnswer(s, answer),
      (err: unknown) => this.onQueryError(s, err),
    );
  };

  private onAnswer(s: RequestSession, answer: InsupcAnswer): void {
    this.releaseSlot(s);
    s.server = answer.server;
    if (s.done) {
      this.dropAnswer(s);
      return;
    }
    s.answer = answer;
    if (!this.recvQueue.offer(s)) {
      // Seed UT_03_003: the answer cannot be processed; forget it, and let the session-timeout
      // sweep answer the client (the session stays only as a timeout entry).
      const suffix = this.answerDropLogs.take(this.clock.now());
      if (suffix !== null) {
        this.log.error(
          `Failed to forward response to WorkerQueue - cleaning up mapping to prevent garbage${suffix}`,
        );
      }
      s.answer = undefined;
      s.phase = SessionPhase.ANSWER_DROPPED;
      this.dropAnswer(s);
    }
  }

  /** Receive queue delivers an answer: map it and reply. */
  private readonly deliverAnswer = (s: RequestSession): void => {
    const answer = s.answer as InsupcAnswer;
    s.answer = undefined;
    if (s.done) {
      this.dropAnswer(s);
      return;
    }
    if (s.connection.closed) {
      this.finish(s, failure(SipsvcResult.INTERNAL_ERROR, 'Client disconnected'), null);
      this.dropAnswer(s);
      return;
    }
    const r = replyFromAnswer(answer);
    this.finish(s, r, r.result === SipsvcResult.SUCCESS ? 'SUCCESS' : errorOutcome(r.result));
  };

  private onQueryError(s: RequestSession, err: unknown): void {
    this.releaseSlot(s);
    if (err instanceof InsupcQueryError && err.server) s.server = err.server;
    if (s.done) return;
    if (!(err instanceof InsupcQueryError)) {
      this.log.error(`INSUPC query failed unexpectedly - requestId: ${s.reqNo}: ${String(err)}`);
    }
    const r = replyFromQueryError(err);
    this.finish(s, r, r.result === SipsvcResult.TIMEOUT ? 'TIMEOUT' : errorOutcome(r.result));
  }

  /**
   * The one scheduled job that times out every session older than `message.session-timeout`
   * (run by an interval; public so unit specs can drive it with a fake clock).
   */
  readonly expireTimedOut = (): void => {
    const timeout = this.config.message.sessionTimeout;
    const now = this.clock.now();
    // Sessions sit in the Map in start order, so the expired ones are at the front.
    for (const s of this.sessions.values()) {
      if (now - s.startedAt < timeout) break;
      this.log.warn(`Session timeout - request ID: ${s.reqNo}`);
      this.finish(s, failure(SipsvcResult.TIMEOUT, ResultText.TIMEOUT), 'TIMEOUT');
    }
  };

  /** Once a second: TPS, worker queue and session utilisation → load level. */
  readonly sampleLoad = (): void => {
    const cfg = this.config;
    const perSecond = (cfg.tps.maxTps * 1000) / cfg.tps.windowSize;
    const offered = this.offered;
    this.offered = 0;
    this.load.update({
      tpsPct: percent(offered, perSecond),
      queuePct: percent(this.workers.size(), cfg.worker.queueCapacity),
      sessionPct: percent(this.sessions.size, cfg.message.maxSessions),
    });
  };

  /** Ends a session exactly once: counts, logs, replies, and wakes drain waiters. */
  private finish(s: RequestSession, reply: SipsvcReply, outcome: ExecuteOutcome | null): void {
    if (s.done) return;
    s.done = true;
    this.sessions.delete(s.requestId);
    this.workers.remove(s);
    this.releaseSlot(s);
    const exec = this.counters.commands.execute;
    if (reply.result === SipsvcResult.SUCCESS) exec.success++;
    else exec.failure++;
    if (reply.result === SipsvcResult.TIMEOUT) {
      this.counters.timeouts++;
      this.timeoutCount++;
    }
    const elapsed = this.clock.now() - s.startedAt;
    if (outcome) this.executeLog.record(outcome, s.reqNo, s.apiName, s.server, elapsed);
    this.metrics?.observeExecute(elapsed / 1000, reply.result);
    s.resolve(reply);
    if (this.sessions.size === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * A slot is freed when its session ends, not when INSUPC finally answers: a server that
   * swallows queries would otherwise hold every slot until the transport's backstop and
   * starve the healthy servers. The abandoned query stays bounded by that backstop.
   */
  private releaseSlot(s: RequestSession): void {
    if (!s.holdsSlot) return;
    s.holdsSlot = false;
    this.workers.release();
  }

  /** An INSUPC answer that nobody will receive (late, client gone, receive queue full). */
  private dropAnswer(s: RequestSession): void {
    this.counters.droppedResponses++;
    this.droppedCount++;
    this.executeLog.record('DROPPED', s.reqNo, s.apiName, s.server, this.clock.now() - s.startedAt);
  }

  private refuse(req: SipsvcRequest, result: SipsvcResultCode, text: string): SipsvcReply {
    this.counters.commands.execute.failure++;
    if (this.executeLog.enabled) {
      const body = req.reqBody as { apiName?: unknown } | undefined;
      const api = typeof body?.apiName === 'string' ? body.apiName : req.service;
      this.executeLog.record(
        errorOutcome(result),
        reqNoText(req.reqNo),
        typeof api === 'string' ? api : '-',
        '-',
        0,
      );
    }
    this.metrics?.observeExecute(0, result);
    return failure(result, text);
  }
}

function errorOutcome(result: number): ExecuteOutcome {
  return `ERROR(${result})`;
}
