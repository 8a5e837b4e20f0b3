import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { BurstLog } from '../common/burst-log';
import { ScheduledTask, Scheduler, SCHEDULER } from '../common/scheduler';
import { DeferredReply } from '../contracts/deferred-reply';
import { INSUPC_QUERY, InsupcQueryPort } from '../contracts/insupc-query.port';
import { SipsvcConnectionContext, SipsvcReply, SipsvcRequest } from '../contracts/sipsvc-message';
import { ResultText, SipsvcResult } from '../contracts/sipsvc-result';
import { SessionStateSource } from '../contracts/state-sources';
import { ConfigType } from '@nestjs/config';
import { insupcConfig, workerConfig, tpsConfig, messageConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { ServiceStateService } from '../oam/service-state.service';
import { Admission, isRefusal } from './admission';
import { ExecuteCounters } from './execute.counters';
import { ExecuteLogWriter, ExecuteOutcome } from './execute-log.writer';
import { reqNoText } from './execute-request';
import { ExecuteLatency } from './execute-latency';
import { ExecuteOutcomes } from './execute-outcomes';
import { LOAD_LEVELS } from './load-level';
import { LoadSampler } from './load-sampler';
import { RequestSession, SessionPhase } from './request-session';
import { reply as failure } from './result-mapping';
import { SessionTable } from './session-table';
import { WorkerQueue } from './worker-queue';
import { QueryPath, SessionEnds } from './query-path';

const LOAD_INTERVAL_MS = 1000;
/** the session-timeout sweep runs every tenth of the timeout, between these bounds. */
const MIN_SWEEP_INTERVAL_MS = 10;
const MAX_SWEEP_INTERVAL_MS = 250;
export const SESSION_SWEEP_JOB = 'execute-session-timeout-sweep';
export const LOAD_MONITOR_JOB = 'execute-load-monitor';
/** `Session timeout - request ID` lines written as they are each second before a count line. */
export const SESSION_TIMEOUT_LINES_PER_SECOND = 10;

const sweepPeriod = (sessionTimeout: number): number =>
  Math.max(MIN_SWEEP_INTERVAL_MS, Math.min(MAX_SWEEP_INTERVAL_MS, Math.floor(sessionTimeout / 10)));

/**
 * The execute pipeline: SIPSVC `execute` → {@link Admission} → request session → worker
 * queue → INSUPC query → receive queue → exactly one reply. Every way a session ends goes
 * through `finish`, which resolves the handler's deferred reply once and removes the session.
 *
 * INSUPC connection lost mid-flight is answered 9 at once, unless the API is listed in
 * `insupc.retry.api-names` (read-only, so safe to run twice): then it is sent once more to
 * another server (QueryPath). Unlisted APIs are never retried: the port does not say whether
 * the request reached the server, and a DB query is not known to be idempotent.
 */
@Injectable()
export class ExecuteService
  implements SessionStateSource, SessionEnds, OnModuleInit, OnApplicationShutdown
{
  private readonly log = new Logger('ExecuteService');
  private readonly sessions = new SessionTable();
  private readonly workers: WorkerQueue<RequestSession>;
  private readonly queries: QueryPath;
  private readonly outcomes: ExecuteOutcomes;
  private readonly admission: Admission;
  private readonly load: LoadSampler;
  /** connections whose close this pipeline listens to (one subscription each). */
  private readonly watched = new WeakSet<SipsvcConnectionContext>();
  private drainWaiters: (() => void)[] = [];
  private sweepJob: ScheduledTask | null = null;
  private loadJob: ScheduledTask | null = null;
  private sweepEvery = 0;
  /** a hung server times out every execute sent to it: hundreds of lines a second otherwise. */
  private readonly timeoutLines: BurstLog;

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'insupc' | 'worker' | 'tps' | 'message'>;

  constructor(
    @Inject(insupcConfig.KEY) insupcSection: ConfigType<typeof insupcConfig>,
    @Inject(workerConfig.KEY) worker: ConfigType<typeof workerConfig>,
    @Inject(tpsConfig.KEY) tps: ConfigType<typeof tpsConfig>,
    @Inject(messageConfig.KEY) message: ConfigType<typeof messageConfig>,
    counters: ExecuteCounters,
    serviceState: ServiceStateService,
    @Inject(INSUPC_QUERY) private readonly insupc: InsupcQueryPort,
    executeLog: ExecuteLogWriter,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    latency: ExecuteLatency,
  ) {
    this.config = { insupc: insupcSection, worker, tps, message };
    this.outcomes = new ExecuteOutcomes(counters, executeLog, latency);
    this.admission = new Admission(this.config, serviceState, this.outcomes);
    this.timeoutLines = new BurstLog(
      scheduler,
      (n, ms) =>
        this.log.warn(`Session timeout - ${n} more request(s) timed out in the last ${ms} ms`),
      SESSION_TIMEOUT_LINES_PER_SECOND,
    );
    this.queries = new QueryPath(this.config, insupc, this, () => this.scheduler.now());
    // worker.concurrency per INSUPC server when the transport routes (it knows each server's
    // queries in flight); a port without servers to tell apart has one budget
    const hasQuerySlot = insupc.hasQuerySlot?.bind(insupc);
    this.workers = new WorkerQueue<RequestSession>(
      {
        capacity: () => this.config.worker.queueCapacity,
        canStart: hasQuerySlot
          ? () => hasQuerySlot()
          : (running) => running < this.config.worker.concurrency,
      },
      this.queries.start,
      this.queries.admit,
    );
    this.load = new LoadSampler(this.config, {
      workerQueueSize: () => this.workers.size(),
      sessionCount: () => this.sessions.size,
    });
  }

  onModuleInit(): void {
    const rq = this.config.insupc.recvQueue;
    this.log.log(
      `InsupcRecvQueue initialization started - capacity: ${rq.capacity}, threads: ${rq.threadCount}`,
    );
    this.log.log(`InsupcRecvQueue initialization completed - ${rq.threadCount} threads started`);
    this.scheduleSweep();
    this.loadJob = this.scheduler.every(LOAD_MONITOR_JOB, LOAD_INTERVAL_MS, this.load.sampleNow);
  }

  /**
   * The `execute` handler body: a reply now (refusals), or the session, whose reply comes
   * later (exactly one; a thenable, no promise).
   */
  handle(req: SipsvcRequest, ctx: SipsvcConnectionContext): SipsvcReply | DeferredReply {
    this.outcomes.attempted();
    this.load.offer();
    const now = this.scheduler.now();
    const call = this.admission.admit(req, now, this.sessions.size);
    if (isRefusal(call)) return call;
    const s = new RequestSession(
      ctx,
      req.cmd,
      reqNoText(req),
      req.seq,
      call.apiName,
      call.inputParams,
      now,
    );
    s.statsEpoch = this.outcomes.epoch;
    this.watchClose(ctx); // first: a context closed already must not end `s` before it runs
    this.sessions.add(s);
    if (!this.workers.submit(s)) {
      this.outcomes.workerQueueRefused();
      this.log.error(
        `Failed to forward message to WorkerQueue - type: execute, requestId: ${s.reqNo} - sending error response to SIPSVC`,
      );
      const r = failure(SipsvcResult.INTERNAL_ERROR, ResultText.WORKER_QUEUE_FULL);
      this.finish(s, r, 'ERROR(18)');
    }
    return s;
  }

  // ---- SessionStateSource -------------------------------------------------------------

  describeSessions(): { currentSessions: number; [key: string]: unknown } {
    return {
      currentSessions: this.sessions.size,
      maxSessions: this.config.message.maxSessions,
      workerQueueSize: this.workers.size(),
      workerQueueCapacity: this.config.worker.queueCapacity,
      inFlightQueries: this.workers.inFlight(),
      retries: this.queries.retries,
      insupcRecvQueueSize: this.queries.recvQueue.size,
      loadLevel: this.load.level,
      load: this.load.sample,
      tpsRejections: this.admission.tpsRejections,
      maxSessionRejections: this.outcomes.maxSessionRejections,
      workerQueueRejections: this.outcomes.workerQueueRejections,
      timeouts: this.outcomes.timeouts,
      droppedResponses: this.outcomes.dropped,
    };
  }

  retries(): number {
    return this.queries.retries;
  }

  messageMappingSize(): number {
    return this.sessions.size;
  }

  workerQueueSize(): number {
    return this.workers.size();
  }

  busyWorkers(): number {
    return this.workers.inFlight();
  }

  insupcRecvQueueSize(): number {
    return this.queries.recvQueue.size;
  }

  loadLevel(): number {
    return LOAD_LEVELS.indexOf(this.load.level);
  }

  refuseNew(): void {
    this.admission.refusing = true;
  }

  drained(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  onApplicationShutdown(): void {
    this.admission.refusing = true;
    this.sweepJob?.cancel();
    this.loadJob?.cancel();
    this.timeoutLines.stop();
    this.queries.recvQueue.stop(true);
    // Nobody is left waiting on a promise that will never settle.
    const r = failure(SipsvcResult.INTERNAL_ERROR, ResultText.SHUTTING_DOWN);
    for (const s of this.sessions.all()) this.finish(s, r, 'ERROR(18)');
  }

  // ---- pipeline -----------------------------------------------------------------------

  /** The SIPSVC connection closed: its sessions end now; their INSUPC answers will be dropped. */
  private watchClose(ctx: SipsvcConnectionContext): void {
    if (this.watched.has(ctx)) return;
    this.watched.add(ctx);
    ctx.onClose(() => {
      for (const s of this.sessions.closeConnection(ctx.connectionId)) {
        // A query still waiting for a slot is never sent, so no answer will come to log as DROPPED.
        const outcome = s.phase === SessionPhase.QUEUED ? 'DROPPED' : null;
        this.finish(s, failure(SipsvcResult.INTERNAL_ERROR, 'Client disconnected'), outcome);
      }
    });
  }

  /**
   * The sweep job, every tenth of `message.session-timeout` (10..250 ms). The timeout is
   * hot-reloadable: a sweep that finds it changed reschedules itself at the new period.
   */
  private scheduleSweep(): void {
    this.sweepEvery = sweepPeriod(this.config.message.sessionTimeout);
    this.sweepJob = this.scheduler.every(SESSION_SWEEP_JOB, this.sweepEvery, this.sweep);
  }

  private readonly sweep = (): void => {
    this.expireTimedOut();
    // a server back from an ejection (or reconnected) frees slots without an answer
    this.workers.kick();
    if (sweepPeriod(this.config.message.sessionTimeout) !== this.sweepEvery) {
      this.scheduleSweep(); // replaces the named job
    }
  };

  /** Times out every session older than `message.session-timeout` (oldest first). */
  expireTimedOut(): void {
    const now = this.scheduler.now();
    for (const s of this.sessions.startedBy(now - this.config.message.sessionTimeout)) {
      this.timeOut(s);
    }
  }

  timeOut(s: RequestSession): void {
    if (this.timeoutLines.take()) this.log.warn(`Session timeout - request ID: ${s.reqNo}`);
    // its query is still at the server: a query timeout for outlier detection
    if (s.holdsSlot) this.insupc.queryTimedOut?.(s.server);
    this.finish(s, failure(SipsvcResult.TIMEOUT, ResultText.TIMEOUT), 'TIMEOUT');
  }

  /** Ends a session exactly once: counts, logs, replies, and wakes drain waiters. */
  finish(s: RequestSession, reply: SipsvcReply, outcome: ExecuteOutcome | null): void {
    if (s.done) return;
    s.done = true;
    this.sessions.remove(s);
    this.workers.remove(s);
    this.outcomes.finished(s, reply, outcome, this.scheduler.now() - s.startedAt);
    s.resolve(reply);
    if (this.sessions.size === 0 && this.drainWaiters.length > 0) {
      for (const w of this.drainWaiters.splice(0)) w();
    }
  }

  /**
   * A slot is freed when INSUPC answers, the connection carrying the query closes or the
   * transport's backstop (2 × session-timeout) gives up on it, not when the session ends:
   * `worker.concurrency` is then the most queries any INSUPC server holds from this gateway,
   * however slow it gets (issue 14; see docs/decisions.md "Worker slots are held until INSUPC
   * lets go of the query").
   */
  releaseSlot(s: RequestSession): void {
    if (!s.holdsSlot) return;
    s.holdsSlot = false;
    this.workers.release();
  }

  dropAnswer(s: RequestSession): void {
    this.outcomes.droppedAnswer(s, this.scheduler.now() - s.startedAt);
  }

  refuseAnswer(s: RequestSession): void {
    this.outcomes.droppedAnswer(s, this.scheduler.now() - s.startedAt, false);
    this.finish(s, failure(SipsvcResult.INTERNAL_ERROR, ResultText.RECV_QUEUE_FULL), 'DROPPED');
  }
}
