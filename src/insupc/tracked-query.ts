import { InsupcAnswer, InsupcAnswerSink, InsupcQueryError } from '../contracts/insupc-query.port';
import type { PendingRequest } from './pending-requests';

/** Where a query's end is reported for outlier detection (the transport). */
export interface QueryOutcomes<P> {
  queryAnswered(pool: P, sentAt: number): void;
  queryFailed(pool: P): void;
}

/** `sentAt` of a query the channel never wrote. */
const NOT_SENT = -1;

/**
 * The pending entry of one query: settles the caller's sink and first tells the transport
 * how the query ended. An answer counts as a success, a loss of the connection with the query
 * written as a failure; a query never written (connection not ready, too large) counts as
 * neither. Timeouts are reported by the execute pipeline when the session times out
 * (InsupcQueryPort.queryTimedOut); the transport's backstop TIMEOUT comes later and is not
 * counted again.
 */
export class TrackedQuery<P> implements PendingRequest {
  sentAt = NOT_SENT;
  epoch = 0;

  constructor(
    private readonly outcomes: QueryOutcomes<P>,
    private readonly pool: P,
    private readonly sink: InsupcAnswerSink,
  ) {}

  resolve(answer: InsupcAnswer): void {
    this.outcomes.queryAnswered(this.pool, this.sentAt);
    this.sink.insupcAnswered(answer);
  }

  reject(error: InsupcQueryError): void {
    if (error.code === 'CONNECTION_LOST' && this.sentAt !== NOT_SENT) {
      this.outcomes.queryFailed(this.pool);
    }
    this.sink.insupcFailed(error);
  }
}

/** {@link InsupcQueryPort.query}'s promise as a sink (callers that want a promise). */
export class PromiseSink implements InsupcAnswerSink {
  /** set by the transport when it routes the query. */
  server = '';
  insupcAnswered: (answer: InsupcAnswer) => void = noop;
  insupcFailed: (error: InsupcQueryError) => void = noop;
  readonly answer: Promise<InsupcAnswer>;

  constructor() {
    this.answer = new Promise<InsupcAnswer>((resolve, reject) => {
      this.insupcAnswered = resolve;
      this.insupcFailed = reject;
    });
  }
}

function noop(): void {}
