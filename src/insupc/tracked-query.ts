import { InsupcAnswer, InsupcQueryError } from '../contracts/insupc-query.port';
import type { PendingRequest } from './pending-requests';

/** Where a query's end is reported for outlier detection (the transport). */
export interface QueryOutcomes<P> {
  queryAnswered(pool: P, sentAt: number): void;
  queryFailed(pool: P): void;
}

/** `sentAt` of a query the channel never wrote. */
const NOT_SENT = -1;

/**
 * The pending entry of one query: settles the caller's promise and first tells the transport
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
    private readonly onAnswer: (answer: InsupcAnswer) => void,
    private readonly onError: (error: InsupcQueryError) => void,
  ) {}

  resolve(answer: InsupcAnswer): void {
    this.outcomes.queryAnswered(this.pool, this.sentAt);
    this.onAnswer(answer);
  }

  reject(error: InsupcQueryError): void {
    if (error.code === 'CONNECTION_LOST' && this.sentAt !== NOT_SENT) {
      this.outcomes.queryFailed(this.pool);
    }
    this.onError(error);
  }
}
