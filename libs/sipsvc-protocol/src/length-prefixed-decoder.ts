import { ByteAccumulator, FrameDecoder, FrameSink } from './frame-decoder';

export const LENGTH_PREFIX_BYTES = 4;

/**
 * Decodes messages each preceded by a 4-byte big-endian length of the UTF-8 JSON that follows.
 * Complete frames inside a chunk are handed out as views (no copy); a partial header or body
 * is copied into a reusable accumulator. A length of 0 or above `maxMessageBytes` is a
 * violation (the length is checked before any body byte is buffered).
 */
export class LengthPrefixedDecoder implements FrameDecoder {
  private readonly pending = new ByteAccumulator();
  /** body length of the frame being read; -1 while the header is incomplete. */
  private bodyLength = -1;
  private isFailed = false;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly sink: FrameSink,
  ) {}

  get bufferedBytes(): number {
    return this.pending.length;
  }

  get failed(): boolean {
    return this.isFailed;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    const len = chunk.length;
    while (pos < len && !this.isFailed) {
      if (this.bodyLength < 0) {
        if (this.pending.length === 0 && len - pos >= LENGTH_PREFIX_BYTES) {
          this.bodyLength = chunk.readUInt32BE(pos);
          pos += LENGTH_PREFIX_BYTES;
        } else {
          const take = Math.min(LENGTH_PREFIX_BYTES - this.pending.length, len - pos);
          this.pending.append(chunk, pos, pos + take);
          pos += take;
          if (this.pending.length < LENGTH_PREFIX_BYTES) return;
          this.bodyLength = this.pending.view().readUInt32BE(0);
          this.pending.clear();
        }
        if (this.bodyLength === 0 || this.bodyLength > this.maxMessageBytes) {
          this.fail(
            `Protocol violation - frame length ${this.bodyLength} outside 1..${this.maxMessageBytes} (max-message-bytes)`,
          );
          return;
        }
      }
      const missing = this.bodyLength - this.pending.length;
      if (len - pos < missing) {
        this.pending.append(chunk, pos, len);
        return;
      }
      if (this.pending.length === 0) {
        this.sink.frame(chunk.subarray(pos, pos + missing));
      } else {
        this.pending.append(chunk, pos, pos + missing);
        this.sink.frame(this.pending.view());
        this.pending.clear();
      }
      pos += missing;
      this.bodyLength = -1;
    }
  }

  private fail(reason: string): void {
    this.isFailed = true;
    this.pending.release();
    this.sink.violation(reason);
  }
}
