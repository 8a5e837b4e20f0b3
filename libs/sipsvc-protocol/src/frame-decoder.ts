/**
 * What a framing decoder reports to its owner. Both callbacks are invoked synchronously from
 * `push()`; the `frame` buffer is only valid during the call (the decoder may reuse its memory
 * afterwards), so the owner decodes it at once (one `toString` + one `JSON.parse`).
 */
export interface FrameSink {
  /** one complete message (the UTF-8 bytes of one JSON value). */
  frame(bytes: Buffer): void;
  /**
   * the byte stream cannot be framed any more (too large, cannot start a message, bad length).
   * The decoder ignores all further input after this; the owner answers and closes.
   */
  violation(reason: string): void;
}

export interface FrameDecoder {
  /** feeds the next chunk received from the socket. */
  push(chunk: Buffer): void;
  /** bytes held for an incomplete message (never more than max-message-bytes). */
  readonly bufferedBytes: number;
  /** true after a violation: the stream is unusable. */
  readonly failed: boolean;
}

/**
 * A growable byte accumulator for the tail of an incomplete message, capped by the caller.
 * Grows by doubling, so a message split into many chunks is copied O(n), not O(n²).
 */
export class ByteAccumulator {
  private buf: Buffer = Buffer.alloc(0);
  length = 0;

  append(src: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    const need = this.length + n;
    if (need > this.buf.length) {
      let cap = Math.max(256, this.buf.length * 2);
      while (cap < need) cap *= 2;
      const grown = Buffer.allocUnsafe(cap);
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    src.copy(this.buf, this.length, start, end);
    this.length = need;
  }

  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  /** drops the memory too (after a violation or a very large message). */
  release(): void {
    this.buf = Buffer.alloc(0);
    this.length = 0;
  }
}
