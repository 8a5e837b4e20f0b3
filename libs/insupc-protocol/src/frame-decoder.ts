import { DEFAULT_MAX_FRAME_BYTES, Offset } from './constants';
import { Frame, checkMsgLen, validateParams } from './frame';
import type { FrameError } from './frame-error';

export interface FrameDecoderOptions {
  /** largest acceptable MSG_LEN (config `insupc.max-frame-bytes`). */
  maxFrameBytes?: number;
  /** called synchronously for every complete, validated frame, in order. Must not throw. */
  onFrame: (frame: Frame) => void;
}

/** MSG_LEN is a uint32 at offset 0. */
const LEN_SIZE = 4;

/**
 * Streaming frame decoder for one TCP connection.
 *
 * Buffer ownership: a frame that lies wholly inside one pushed chunk is handed out as a
 * slice of that chunk (no copy; `net.Socket` never reuses a chunk it has emitted). A frame
 * split across chunks is assembled into a buffer allocated once at exactly its MSG_LEN,
 * which then belongs to that frame alone. So every Frame stays valid after `push()`
 * returns and may be kept. MSG_LEN is checked as soon as its 4 bytes are present, before
 * any body is buffered, so the decoder never holds more than `maxFrameBytes`.
 *
 * Errors are returned, not thrown. After one, the decoder stays failed and returns the
 * same error from every later push: the caller closes the connection.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private readonly onFrame: (frame: Frame) => void;
  /** the split frame being assembled (length = its MSG_LEN). */
  private partial: Buffer | undefined;
  private partialFilled = 0;
  /** up to 3 bytes of a MSG_LEN that a chunk boundary cut. */
  private readonly lenBytes = Buffer.alloc(LEN_SIZE);
  private lenFilled = 0;
  private error: FrameError | undefined;

  constructor(options: FrameDecoderOptions) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.onFrame = options.onFrame;
  }

  /** Bytes held for an incomplete frame (never more than maxFrameBytes). */
  get bufferedBytes(): number {
    return this.partial ? this.partialFilled : this.lenFilled;
  }

  /** The error that stopped this decoder, if any. */
  get failure(): FrameError | undefined {
    return this.error;
  }

  push(chunk: Buffer): FrameError | undefined {
    if (this.error) return this.error;
    let off = 0;
    if (this.lenFilled > 0) {
      off = this.completeLength(chunk);
      if (off < 0) return this.error;
      if (this.lenFilled > 0) return undefined;
    }
    if (this.partial) {
      off = this.fillPartial(chunk, off);
      if (this.error || this.partial) return this.error;
    }
    const end = chunk.length;
    while (off < end) {
      const available = end - off;
      if (available < LEN_SIZE) {
        chunk.copy(this.lenBytes, 0, off, end);
        this.lenFilled = available;
        return undefined;
      }
      const msgLen = chunk.readUInt32LE(off + Offset.MSG_LEN);
      const lenError = checkMsgLen(msgLen, this.maxFrameBytes);
      if (lenError) return this.fail(lenError);
      if (available < msgLen) {
        this.partial = Buffer.allocUnsafe(msgLen);
        this.partialFilled = chunk.copy(this.partial, 0, off, end);
        return undefined;
      }
      if (!this.emit(chunk.subarray(off, off + msgLen))) return this.error;
      off += msgLen;
    }
    return undefined;
  }

  /**
   * Completes a MSG_LEN cut by the previous chunk boundary. Returns the offset in `chunk`
   * after the bytes used (starting the partial frame), or -1 after a length error.
   */
  private completeLength(chunk: Buffer): number {
    const take = Math.min(LEN_SIZE - this.lenFilled, chunk.length);
    chunk.copy(this.lenBytes, this.lenFilled, 0, take);
    this.lenFilled += take;
    if (this.lenFilled < LEN_SIZE) return take;
    const msgLen = this.lenBytes.readUInt32LE(0);
    const lenError = checkMsgLen(msgLen, this.maxFrameBytes);
    if (lenError) {
      this.fail(lenError);
      return -1;
    }
    this.partial = Buffer.allocUnsafe(msgLen);
    this.lenBytes.copy(this.partial, 0);
    this.partialFilled = LEN_SIZE;
    this.lenFilled = 0;
    return take;
  }

  /** Copies what the partial frame still needs; emits it when complete. Returns new offset. */
  private fillPartial(chunk: Buffer, off: number): number {
    const partial = this.partial!;
    const copied = chunk.copy(partial, this.partialFilled, off);
    this.partialFilled += copied;
    if (this.partialFilled === partial.length) {
      this.partial = undefined;
      this.partialFilled = 0;
      this.emit(partial);
    }
    return off + copied;
  }

  private emit(buf: Buffer): boolean {
    const paramError = validateParams(buf);
    if (paramError) {
      this.fail(paramError);
      return false;
    }
    this.onFrame(new Frame(buf));
    return true;
  }

  private fail(error: FrameError): FrameError {
    this.error = error;
    this.partial = undefined;
    this.partialFilled = 0;
    this.lenFilled = 0;
    return error;
  }
}
