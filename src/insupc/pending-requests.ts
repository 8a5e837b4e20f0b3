import { InsupcAnswer, InsupcQueryError } from '../contracts/insupc-query.port';

export interface PendingRequest {
  resolve(answer: InsupcAnswer): void;
  reject(error: InsupcQueryError): void;
  /** when the request was written (Scheduler.now(), ms). */
  sentAt: number;
}

const MAX_TRANSACTION_ID = 0xffffffff;

/**
 * The requests written on one connection and awaiting their DB_QUERY_RESPONSE, keyed by
 * TRANSACTION_ID. Also hands out the connection's TRANSACTION_IDs (uint32, never 0, never
 * one that is still outstanding).
 */
export class PendingRequests {
  private readonly byTransaction = new Map<number, PendingRequest>();
  private lastId = 0;

  get size(): number {
    return this.byTransaction.size;
  }

  /** the next TRANSACTION_ID not outstanding on this connection. */
  nextTransactionId(): number {
    do {
      this.lastId = this.lastId >= MAX_TRANSACTION_ID ? 1 : this.lastId + 1;
    } while (this.byTransaction.has(this.lastId));
    return this.lastId;
  }

  add(transactionId: number, request: PendingRequest): void {
    this.byTransaction.set(transactionId, request);
  }

  /** removes and returns the request waiting for `transactionId`, if any. */
  take(transactionId: number): PendingRequest | undefined {
    const request = this.byTransaction.get(transactionId);
    if (request) this.byTransaction.delete(transactionId);
    return request;
  }

  /** rejects every outstanding request with `error`; returns how many there were. */
  failAll(error: InsupcQueryError): number {
    const n = this.byTransaction.size;
    if (n === 0) return 0;
    const requests = [...this.byTransaction.values()];
    this.byTransaction.clear();
    for (const r of requests) r.reject(error);
    return n;
  }

  /** rejects the requests sent before `sentBefore` with `error`; returns how many. */
  expire(sentBefore: number, error: InsupcQueryError): number {
    let n = 0;
    for (const [id, r] of this.byTransaction) {
      if (r.sentAt >= sentBefore) continue; // Map iterates in insertion (= send) order
      this.byTransaction.delete(id);
      r.reject(error);
      n++;
    }
    return n;
  }
}
