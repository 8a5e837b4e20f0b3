import { SipsvcReply, SipsvcRequest } from '../contracts/sipsvc-message';
import { SipsvcResult, SipsvcResultCode } from '../contracts/sipsvc-result';
import { ExecuteCounters } from './execute.counters';
import { ExecuteLatencyObserver } from './execute-latency';
import { ExecuteLogWriter, ExecuteOutcome } from './execute-log.writer';
import { isCleanText } from '../common/client-text';
import { reqNoText } from './execute-request';
import { RequestSession } from './request-session';

export const errorOutcome = (result: number): ExecuteOutcome => `ERROR(${result})`;

/**
 * Records how each execute ended: the statistics counters, the execute log line, the
 * latency metric, and the since-start counts /state shows (the resettable ones live in the
 * counters).
 */
export class ExecuteOutcomes {
  // since start, for /state
  maxSessionRejections = 0;
  workerQueueRejections = 0;
  timeouts = 0;
  dropped = 0;

  constructor(
    private readonly counters: ExecuteCounters,
    private readonly executeLog: ExecuteLogWriter,
    private readonly latency: ExecuteLatencyObserver,
  ) {}

  attempted(): void {
    this.counters.execute.attempts++;
  }

  /** the statistics period attempts are counted in now (see ExecuteCounters.epoch). */
  get epoch(): number {
    return this.counters.epoch;
  }

  tpsRefused(): void {
    this.counters.tpsRejections++;
  }

  maxSessionsRefused(): void {
    this.counters.queueRejections++;
    this.maxSessionRejections++;
  }

  workerQueueRefused(): void {
    this.counters.queueRejections++;
    this.workerQueueRejections++;
  }

  /** a session ended with `reply` after `elapsedMs`; `outcome` null: no execute-log line. */
  finished(
    s: RequestSession,
    reply: SipsvcReply,
    outcome: ExecuteOutcome | null,
    elapsedMs: number,
  ): void {
    if (s.statsEpoch === this.counters.epoch) {
      const exec = this.counters.execute;
      if (reply.result === SipsvcResult.SUCCESS) exec.success++;
      else exec.failure++;
      if (reply.result === SipsvcResult.TIMEOUT) this.counters.timeouts++;
    }
    if (reply.result === SipsvcResult.TIMEOUT) this.timeouts++;
    if (outcome) this.executeLog.record(outcome, s.reqNo, s.apiName, s.server, elapsedMs);
    this.latency.observeExecute(elapsedMs / 1000, reply.result);
  }

  /**
   * an INSUPC answer that nobody will receive (late, client gone, receive queue full);
   * `logged` false: the session's own finish writes its DROPPED line.
   */
  droppedAnswer(s: RequestSession, elapsedMs: number, logged = true): void {
    this.counters.droppedResponses++;
    this.dropped++;
    if (logged) this.executeLog.record('DROPPED', s.reqNo, s.apiName, s.server, elapsedMs);
  }

  /** refused before any session existed */
  refused(req: SipsvcRequest, result: SipsvcResultCode): void {
    this.counters.execute.failure++;
    if (this.executeLog.enabled) {
      const body = req.reqBody as { apiName?: unknown } | undefined;
      const api = typeof body?.apiName === 'string' ? body.apiName : req.service;
      this.executeLog.record(
        errorOutcome(result),
        reqNoText(req),
        typeof api === 'string' && isCleanText(api) ? api : '-',
        '-',
        0,
      );
    }
    this.latency.observeExecute(0, result);
  }
}
