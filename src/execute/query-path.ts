import { Logger } from '@nestjs/common';
import { BoundedDrainQueue } from '../common/bounded-drain-queue';
import { errorText } from '../common/error-text';
import { LogThrottle } from '../common/log-throttle';
import { InsupcAnswer, InsupcQueryError, InsupcQueryPort } from '../contracts/insupc-query.port';
import { SipsvcReply } from '../contracts/sipsvc-message';
import { SipsvcResult } from '../contracts/sipsvc-result';
import type { AppConfig } from '../config/config.schema';
import { ExecuteOutcome } from './execute-log.writer';
import { errorOutcome } from './execute-outcomes';
import { RequestSession, SessionAnswers, SessionPhase } from './request-session';
import { reply as failure, replyFromAnswer, replyFromQueryError } from './result-mapping';

/** How the query path ends sessions (the pipeline does it, exactly once). */
export interface SessionEnds {
  finish(s: RequestSession, reply: SipsvcReply, outcome: ExecuteOutcome | null): void;
  /** an INSUPC answer that nobody will receive (late, client gone). */
  dropAnswer(s: RequestSession): void;
  /**
   * an INSUPC answer the full receive queue cannot take: counted as dropped, and the client
   * answered 18 at once (one DROPPED execute-log line).
   */
  refuseAnswer(s: RequestSession): void;
  /** the session's worker slot is free again (idempotent). */
  releaseSlot(s: RequestSession): void;
  /** ends the session with 6 Session timeout and its WARN line (storms summarised). */
  timeOut(s: RequestSession): void;
}

/**
 * From a granted worker slot to a mapped reply: the INSUPC query, its answer through the
 * bounded INSUPC receive queue (seed UT_02_007, UT_03_003), or its error.
 */
export class QueryPath implements SessionAnswers {
  private readonly log = new Logger('ExecuteService');
  readonly recvQueue: BoundedDrainQueue<RequestSession>;
  /** one `cleaning up mapping` ERROR a second at most (one per answer under overload). */
  private readonly answerDropLogs = new LogThrottle();
  /** executes sent once more to another server (insupclient_execute_retries_total). */
  retries = 0;
  /** insupc.retry.api-names (restart-only config: read once). */
  private readonly retryable: ReadonlySet<string>;

  constructor(
    private readonly config: Pick<AppConfig, 'insupc' | 'message'>,
    private readonly insupc: InsupcQueryPort,
    private readonly ends: SessionEnds,
    private readonly now: () => number,
  ) {
    this.retryable = new Set(config.insupc.retry.apiNames);
    const rq = config.insupc.recvQueue;
    // a delivery that throws leaves its session open: the timeout sweep still answers it
    this.recvQueue = new BoundedDrainQueue<RequestSession>(
      rq.capacity,
      rq.threadCount,
      this.deliverAnswer,
      (err) => this.log.error(`INSUPC answer processing failed: ${errorText(err)}`),
    );
  }

  /**
   * A waiting session reaches a free slot: one whose client left or whose session timeout
   * passed while it waited (the sweep runs only every few hundred ms) ends here, unsent.
   */
  readonly admit = (s: RequestSession): boolean => {
    if (s.done) return false;
    if (s.connection.closed) {
      this.ends.finish(s, failure(SipsvcResult.INTERNAL_ERROR, 'Client disconnected'), 'DROPPED');
      return false;
    }
    if (this.now() - s.startedAt >= this.config.message.sessionTimeout) {
      this.ends.timeOut(s);
      return false;
    }
    return true;
  };

  /** Worker slot granted: hand the query to the INSUPC transport. */
  readonly start = (s: RequestSession): void => {
    s.phase = SessionPhase.IN_FLIGHT;
    s.holdsSlot = true;
    this.send(s, undefined);
  };

  /**
   * `except`: the server a retry must not go to. The session keeps its slot meanwhile. The
   * session is the answer sink where the port takes one (the transport), else the promise.
   */
  private send(s: RequestSession, except: string | undefined): void {
    if (this.insupc.send) {
      s.answers = this;
      s.sending = true;
      try {
        this.insupc.send(s.apiName, s.inputParams, s, except);
      } catch (err) {
        this.failLater(s, err);
      } finally {
        s.sending = false;
      }
      return;
    }
    let pending: Promise<InsupcAnswer>;
    try {
      // the transport notes the routed server in s.server (named by a TIMEOUT line)
      pending = this.insupc.query(s.apiName, s.inputParams, s, except);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (answer) => this.onAnswer(s, answer),
      (err: unknown) => this.onQueryError(s, err),
    );
  }

  /**
   * An error from inside `send` is handled once it has returned, as a promise would: handled
   * at once it would free the slot and start the next waiting query from inside this one,
   * one stack frame deeper per query when nothing is routable.
   */
  onQueryFailed(s: RequestSession, err: InsupcQueryError): void {
    if (s.sending) this.failLater(s, err);
    else this.onQueryError(s, err);
  }

  private failLater(s: RequestSession, err: unknown): void {
    queueMicrotask(() => this.onQueryError(s, err));
  }

  onAnswer(s: RequestSession, answer: InsupcAnswer): void {
    this.ends.releaseSlot(s);
    s.server = answer.server;
    if (s.done) {
      this.ends.dropAnswer(s);
      return;
    }
    s.answer = answer;
    if (!this.recvQueue.offer(s)) {
      // Seed UT_03_003: the answer cannot be processed; the mapping is cleaned up with the
      // seed's two ERROR lines, and the client is told at once rather than left to time out.
      s.answer = undefined;
      const now = this.now();
      const suffix = this.answerDropLogs.take(now);
      if (suffix !== null) {
        this.log.error(
          'Failed to forward response to WorkerQueue - cleaning up mapping to prevent garbage',
        );
        this.log.error(
          `INSUPC response dropped due to WorkerQueue Full - requestId: ${s.reqNo}, session age: ${now - s.startedAt}ms, status: DROPPED${suffix}`,
        );
      }
      this.ends.refuseAnswer(s);
    }
  }

  /** Receive queue delivers an answer: map it and reply. */
  private readonly deliverAnswer = (s: RequestSession): void => {
    const answer = s.answer as InsupcAnswer;
    s.answer = undefined;
    if (s.done) {
      this.ends.dropAnswer(s);
      return;
    }
    if (s.connection.closed) {
      this.ends.finish(s, failure(SipsvcResult.INTERNAL_ERROR, 'Client disconnected'), null);
      this.ends.dropAnswer(s);
      return;
    }
    const r = replyFromAnswer(answer);
    this.ends.finish(s, r, r.result === SipsvcResult.SUCCESS ? 'SUCCESS' : errorOutcome(r.result));
  };

  private onQueryError(s: RequestSession, err: unknown): void {
    if (err instanceof InsupcQueryError && err.server) s.server = err.server;
    if (this.mayRetry(s, err)) {
      s.retried = true;
      this.retries++;
      this.send(s, s.server);
      return;
    }
    this.ends.releaseSlot(s);
    if (s.done) return;
    if (!(err instanceof InsupcQueryError)) {
      this.log.error(`INSUPC query failed unexpectedly - requestId: ${s.reqNo}: ${errorText(err)}`);
    }
    const r = replyFromQueryError(err);
    this.ends.finish(s, r, r.result === SipsvcResult.TIMEOUT ? 'TIMEOUT' : errorOutcome(r.result));
  }

  /**
   * Operations spec section 7: a listed (read-only) API whose query was lost with its
   * connection, or never sent because its connection was no longer ready (both
   * CONNECTION_LOST), goes once more to another routable server while the session has time.
   */
  private mayRetry(s: RequestSession, err: unknown): boolean {
    return (
      !s.done &&
      !s.retried &&
      err instanceof InsupcQueryError &&
      err.code === 'CONNECTION_LOST' &&
      this.retryable.has(s.apiName) &&
      this.now() - s.startedAt < this.config.message.sessionTimeout &&
      (this.insupc.routableExcept?.(s.server) ?? false)
    );
  }
}
