import { InsupcAnswer, InsupcQueryError } from '../contracts/insupc-query.port';

export interface PendingRequest {
  resolve(answer: InsupcAnswer): void;
  reject(error: InsupcQueryError): void;
  /** when the request was written (Scheduler.now(), ms). */
  sentAt: number;
  /** the statistics period it was written in (InsupcServerCounters.epoch). */
  epoch: number;
}

const MAX_TRANSACTION_ID = 0xffffffff;
const INITIAL_SLOTS = 64;

/**
 * The requests written on one connection and awaiting their DB_QUERY_RESPONSE, keyed by
 * TRANSACTION_ID. Also hands out the connection's TRANSACTION_IDs (uint32, never 0, never
 * one that is still outstanding).
 *
 * A slot table indexed by the id's low bits, not a Map: a Map that takes and drops one entry
 * per query rehashes into a new table every few hundred queries, and V8's chain from each old
 * table to the next kept finished requests alive through scavenges (see SessionTable). The
 * gateway picks the ids, so it picks one whose slot is free; the table doubles when half
 * full (it does not shrink: a burst's size is the next burst's too).
 */
export class PendingRequests {
  private slots: (PendingRequest | undefined)[] = new Array<PendingRequest | undefined>(
    INITIAL_SLOTS,
  );
  private ids = new Uint32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;
  private lastId = 0;

  get size(): number {
    return this.count;
  }

  /** the next TRANSACTION_ID not outstanding on this connection, its slot free. */
  nextTransactionId(): number {
    if (this.count * 2 >= this.slots.length) this.grow();
    do {
      this.lastId = this.lastId >= MAX_TRANSACTION_ID ? 1 : this.lastId + 1;
    } while (this.slots[this.lastId & this.mask] !== undefined);
    return this.lastId;
  }

  /** `transactionId` comes from {@link nextTransactionId}, with nothing added in between. */
  add(transactionId: number, request: PendingRequest): void {
    const i = transactionId & this.mask;
    if (this.slots[i] !== undefined) {
      throw new Error(`TRANSACTION_ID ${transactionId}: slot taken by ${this.ids[i]}`);
    }
    this.slots[i] = request;
    this.ids[i] = transactionId;
    this.count++;
  }

  /** removes and returns the request waiting for `transactionId`, if any. */
  take(transactionId: number): PendingRequest | undefined {
    const i = transactionId & this.mask;
    const request = this.slots[i];
    if (request === undefined || this.ids[i] !== transactionId) return undefined;
    this.slots[i] = undefined;
    this.count--;
    return request;
  }

  /**
   * rejects every outstanding request with `error`; returns how many there were. `taken`
   * hears how many left the table, before the first reject.
   */
  failAll(error: InsupcQueryError, taken?: (n: number) => void): number {
    return this.rejectWhere(() => true, error, taken);
  }

  /** rejects the requests sent before `sentBefore` with `error`; returns how many. */
  expire(sentBefore: number, error: InsupcQueryError, taken?: (n: number) => void): number {
    return this.rejectWhere((r) => r.sentAt < sentBefore, error, taken);
  }

  /**
   * All matching requests leave the table first, then are rejected (a reject may send more)
   * oldest first, as they were sent.
   */
  private rejectWhere(
    match: (r: PendingRequest) => boolean,
    error: InsupcQueryError,
    takenOut?: (n: number) => void,
  ): number {
    if (this.count === 0) return 0;
    const taken: { age: number; r: PendingRequest }[] = [];
    const newest = this.lastId;
    for (let i = 0; i < this.slots.length; i++) {
      const r = this.slots[i];
      if (r === undefined || !match(r)) continue;
      this.slots[i] = undefined;
      this.count--;
      // ids were handed out in send order, modulo 2^32 (0 skipped): distance back from the newest
      taken.push({ age: (newest - this.ids[i]) >>> 0, r });
    }
    takenOut?.(taken.length);
    taken.sort((a, b) => b.age - a.age);
    for (const t of taken) t.r.reject(error);
    return taken.length;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldIds = this.ids;
    const size = oldSlots.length * 2;
    this.slots = new Array<PendingRequest | undefined>(size);
    this.ids = new Uint32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < oldSlots.length; i++) {
      const r = oldSlots[i];
      if (r === undefined) continue;
      // distinct under the old mask, so distinct under the wider one
      const j = oldIds[i] & this.mask;
      this.slots[j] = r;
      this.ids[j] = oldIds[i];
    }
  }
}
