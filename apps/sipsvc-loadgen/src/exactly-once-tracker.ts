const INITIAL_SLOTS = 256;
const EMPTY = -1;

/**
 * Checks that every request got exactly one answer, by sequence number: a request is
 * remembered (with its send time) from `sent()` until its answer. An answer for a sequence
 * number that is not in flight is a duplicate when that number was sent before, otherwise
 * unknown. What is still in flight at the end is unanswered.
 *
 * The requests in flight sit in a ring indexed by the sequence number's low bits (typed
 * arrays: nothing for the GC to trace), not in a Map: one Map entry set and deleted per
 * request made V8 keep dead rehashed tables alive through scavenges (docs/benchmark.md,
 * "Per-request Map churn"), and the load generator's own GC pauses are part of every latency
 * it reports. The ring doubles when a new number's slot is still held by an older request, so
 * its size follows the span from the oldest unanswered request to the newest.
 */
export class ExactlyOnceTracker {
  private seqs = new Float64Array(INITIAL_SLOTS).fill(EMPTY);
  private sendTimes = new Float64Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private inFlight = 0;
  private nextSeq = 0;
  duplicates = 0;
  unknown = 0;
  answered = 0;

  /** registers the next request; returns its sequence number. */
  sent(sendTime: number): number {
    const seq = this.nextSeq++;
    while (this.seqs[seq & this.mask] !== EMPTY) this.grow();
    const i = seq & this.mask;
    this.seqs[i] = seq;
    this.sendTimes[i] = sendTime;
    this.inFlight++;
    return seq;
  }

  /** the request's send time, or -1 for a duplicate or unknown answer (counted). */
  answer(seq: number): number {
    const known = Number.isInteger(seq) && seq >= 0 && seq < this.nextSeq;
    const i = known ? seq & this.mask : -1;
    if (i < 0 || this.seqs[i] !== seq) {
      if (known) this.duplicates++;
      else this.unknown++;
      return -1;
    }
    this.seqs[i] = EMPTY;
    this.inFlight--;
    this.answered++;
    return this.sendTimes[i];
  }

  get sentCount(): number {
    return this.nextSeq;
  }

  get outstanding(): number {
    return this.inFlight;
  }

  /** true when every request sent so far was answered once and nothing else arrived. */
  get exactlyOnce(): boolean {
    return this.inFlight === 0 && this.duplicates === 0 && this.unknown === 0;
  }

  private grow(): void {
    const seqs = this.seqs;
    const sendTimes = this.sendTimes;
    const size = seqs.length * 2;
    this.seqs = new Float64Array(size).fill(EMPTY);
    this.sendTimes = new Float64Array(size);
    this.mask = size - 1;
    for (let i = 0; i < seqs.length; i++) {
      if (seqs[i] === EMPTY) continue;
      const j = seqs[i] & this.mask;
      this.seqs[j] = seqs[i];
      this.sendTimes[j] = sendTimes[i];
    }
  }
}
