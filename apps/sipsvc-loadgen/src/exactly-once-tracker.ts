/**
 * Checks that every request got exactly one answer, by sequence number, in memory bounded by
 * the requests in flight: a request is remembered (with its send time) from `sent()` until its
 * answer. An answer for a sequence number that is not in flight is a duplicate when that
 * number was sent before, otherwise unknown. What is still in flight at the end is unanswered.
 */
export class ExactlyOnceTracker {
  private readonly inFlight = new Map<number, number>();
  private nextSeq = 0;
  duplicates = 0;
  unknown = 0;
  answered = 0;

  /** registers the next request; returns its sequence number. */
  sent(sendTime: number): number {
    const seq = this.nextSeq++;
    this.inFlight.set(seq, sendTime);
    return seq;
  }

  /** the request's send time, or -1 for a duplicate or unknown answer (counted). */
  answer(seq: number): number {
    const sendTime = this.inFlight.get(seq);
    if (sendTime === undefined) {
      if (Number.isInteger(seq) && seq >= 0 && seq < this.nextSeq) this.duplicates++;
      else this.unknown++;
      return -1;
    }
    this.inFlight.delete(seq);
    this.answered++;
    return sendTime;
  }

  get sentCount(): number {
    return this.nextSeq;
  }

  get outstanding(): number {
    return this.inFlight.size;
  }

  /** true when every request sent so far was answered once and nothing else arrived. */
  get exactlyOnce(): boolean {
    return this.inFlight.size === 0 && this.duplicates === 0 && this.unknown === 0;
  }
}
