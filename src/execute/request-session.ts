import { InsupcAnswer, InsupcAnswerSink, InsupcQueryError } from '../contracts/insupc-query.port';
import { DeferredReply } from '../contracts/deferred-reply';
import { SipsvcConnectionContext } from '../contracts/sipsvc-message';
import { WorkerQueueItem } from './worker-queue';

/** Where a session is in the pipeline. */
export const SessionPhase = {
  /** waiting in the worker queue for a slot. */
  QUEUED: 0,
  /** DB_QUERY handed to the INSUPC transport. */
  IN_FLIGHT: 1,
} as const;
export type SessionPhase = (typeof SessionPhase)[keyof typeof SessionPhase];

/** Where a session hands the end of its INSUPC query (the query path). */
export interface SessionAnswers {
  onAnswer(s: RequestSession, answer: InsupcAnswer): void;
  onQueryFailed(s: RequestSession, error: InsupcQueryError): void;
}

/** A session list's ends, held by {@link SessionTable} per SIPSVC connection. */
export interface SessionList {
  head: RequestSession | null;
  tail: RequestSession | null;
}

/**
 * One execute awaiting its answer: the mapping between a SIPSVC request and its INSUPC
 * query. Holds what the answer and the execute log need, and is itself the handler's
 * deferred reply, which `ExecuteService.finish` resolves exactly once, and its own INSUPC
 * answer sink: the transport calls it back. No promise per execute.
 */
export class RequestSession
  extends DeferredReply
  implements WorkerQueueItem<RequestSession>, InsupcAnswerSink
{
  queuePrev: RequestSession | null = null;
  queueNext: RequestSession | null = null;
  queued = false;
  phase: SessionPhase = SessionPhase.QUEUED;
  /** set once, by the first outcome (answer, error, timeout, client gone). */
  done = false;
  /** holds one of the worker queue's concurrency slots (from start of query to its end). */
  holdsSlot = false;
  /** sent once more to another server already (insupc.retry): never a second time. */
  retried = false;
  /** the INSUPC server, noted by the transport when it routes the query ('-' until then). */
  server = '-';
  /** the INSUPC answer while it waits in the receive queue. */
  answer: InsupcAnswer | undefined = undefined;
  /** the query path its INSUPC answer goes to (set when its query is sent). */
  answers: SessionAnswers | null = null;
  /** inside the port's `send` (an error reported from there is delivered after it returns). */
  sending = false;
  /** the statistics epoch its attempt was counted in (its outcome counts only there). */
  statsEpoch = 0;

  // Links of the SessionTable's two lists (all sessions in start order; the sessions of one
  // connection), owned by SessionTable and cleared when the session leaves them.
  inTable = false;
  tablePrev: RequestSession | null = null;
  tableNext: RequestSession | null = null;
  connectionList: SessionList | null = null;
  connectionPrev: RequestSession | null = null;
  connectionNext: RequestSession | null = null;

  constructor(
    readonly connection: SipsvcConnectionContext,
    readonly cmd: string,
    /** reqNo as text, for logs (the transport echoes the original value). */
    readonly reqNo: string,
    readonly seq: unknown,
    readonly apiName: string,
    readonly inputParams: readonly string[],
    /** monotonic ms. */
    readonly startedAt: number,
  ) {
    super();
  }

  insupcAnswered(answer: InsupcAnswer): void {
    this.answers?.onAnswer(this, answer);
  }

  insupcFailed(error: InsupcQueryError): void {
    this.answers?.onQueryFailed(this, error);
  }
}
