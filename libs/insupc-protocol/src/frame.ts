import {
  DEFAULT_MAX_FRAME_BYTES,
  HEADER_SIZE,
  Offset,
  PARAM_HEADER_SIZE,
  SESSION_ID_SIZE,
  SVC_ID_SIZE,
} from './constants';
import { FrameError } from './frame-error';

export interface FrameHeader {
  msgCode: number;
  svca: number;
  dvca: number;
  result: number;
  asId: number;
  transactionId: number;
  sessionId: string;
  svcId: string;
}

/** A string field padded with NUL, read up to the first NUL. */
export function readPaddedString(buf: Buffer, start: number, size: number): string {
  const end = start + size;
  const nul = buf.indexOf(0, start);
  return buf.toString('utf8', start, nul === -1 || nul > end ? end : nul);
}

/**
 * A validated frame. `buffer` is exactly MSG_LEN bytes; it may be a slice of the socket
 * chunk it arrived in (no copy). Numeric header fields are read once; strings and
 * parameters are decoded only when asked for. Parameter values are Buffer slices.
 */
export class Frame {
  readonly msgCode: number;
  readonly svca: number;
  readonly dvca: number;
  readonly result: number;
  readonly asId: number;
  readonly transactionId: number;
  readonly paramCount: number;

  /** Use {@link decodeFrame} or {@link FrameDecoder}: they validate the layout first. */
  constructor(readonly buffer: Buffer) {
    this.msgCode = buffer[Offset.MSG_CODE];
    this.svca = buffer[Offset.SVCA];
    this.dvca = buffer[Offset.DVCA];
    this.result = buffer[Offset.RESULT];
    this.asId = buffer.readUInt16LE(Offset.AS_ID);
    this.transactionId = buffer.readUInt32LE(Offset.TRANSACTION_ID);
    this.paramCount = buffer.readUInt16LE(Offset.PARAM_COUNT);
  }

  get length(): number {
    return this.buffer.length;
  }

  get sessionId(): string {
    return readPaddedString(this.buffer, Offset.SESSION_ID, SESSION_ID_SIZE);
  }

  get svcId(): string {
    return readPaddedString(this.buffer, Offset.SVC_ID, SVC_ID_SIZE);
  }

  header(): FrameHeader {
    return {
      msgCode: this.msgCode,
      svca: this.svca,
      dvca: this.dvca,
      result: this.result,
      asId: this.asId,
      transactionId: this.transactionId,
      sessionId: this.sessionId,
      svcId: this.svcId,
    };
  }

  /** Calls `fn(type, valueStart, valueEnd)` for every parameter, in order; no allocation. */
  forEachParam(fn: (type: number, start: number, end: number) => void): void {
    const buf = this.buffer;
    let off = HEADER_SIZE;
    for (let i = 0; i < this.paramCount; i++) {
      const type = buf.readUInt16LE(off);
      const len = buf.readUInt16LE(off + 2);
      off += PARAM_HEADER_SIZE;
      fn(type, off, off + len);
      off += len;
    }
  }

  /** Value of the first parameter of `type`, as a slice of the frame; undefined if absent. */
  param(type: number): Buffer | undefined {
    const buf = this.buffer;
    let off = HEADER_SIZE;
    for (let i = 0; i < this.paramCount; i++) {
      const len = buf.readUInt16LE(off + 2);
      if (buf.readUInt16LE(off) === type) {
        return buf.subarray(off + PARAM_HEADER_SIZE, off + PARAM_HEADER_SIZE + len);
      }
      off += PARAM_HEADER_SIZE + len;
    }
    return undefined;
  }

  /** UTF-8 value of the first parameter of `type`; undefined if absent. */
  paramString(type: number): string | undefined {
    const buf = this.buffer;
    let off = HEADER_SIZE;
    for (let i = 0; i < this.paramCount; i++) {
      const len = buf.readUInt16LE(off + 2);
      if (buf.readUInt16LE(off) === type) {
        const start = off + PARAM_HEADER_SIZE;
        return buf.toString('utf8', start, start + len);
      }
      off += PARAM_HEADER_SIZE + len;
    }
    return undefined;
  }

  /** UTF-8 values of every parameter of `type`, in order. */
  paramStrings(type: number): string[] {
    const out: string[] = [];
    const buf = this.buffer;
    let off = HEADER_SIZE;
    for (let i = 0; i < this.paramCount; i++) {
      const len = buf.readUInt16LE(off + 2);
      const start = off + PARAM_HEADER_SIZE;
      if (buf.readUInt16LE(off) === type) out.push(buf.toString('utf8', start, start + len));
      off = start + len;
    }
    return out;
  }

  /** Every parameter as `{type, value}` (value is a slice). For tests and diagnostics. */
  params(): { type: number; value: Buffer }[] {
    const out: { type: number; value: Buffer }[] = [];
    this.forEachParam((type, start, end) =>
      out.push({ type, value: this.buffer.subarray(start, end) }),
    );
    return out;
  }
}

/**
 * Checks the TLV layout of a frame whose MSG_LEN is already known to be `buf.length`:
 * PARAM_COUNT parameters must exactly fill it.
 */
export function validateParams(buf: Buffer): FrameError | undefined {
  const end = buf.length;
  const count = buf.readUInt16LE(Offset.PARAM_COUNT);
  let off = HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (off + PARAM_HEADER_SIZE > end) {
      return new FrameError(
        'PARAM_OVERFLOW',
        `parameter ${i + 1} of ${count} header runs past MSG_LEN ${end}`,
      );
    }
    off += PARAM_HEADER_SIZE + buf.readUInt16LE(off + 2);
    if (off > end) {
      return new FrameError(
        'PARAM_OVERFLOW',
        `parameter ${i + 1} of ${count} value runs past MSG_LEN ${end}`,
      );
    }
  }
  if (off !== end) {
    return new FrameError(
      'PARAM_COUNT_MISMATCH',
      `PARAM_COUNT ${count} parameters end at ${off}, MSG_LEN is ${end}`,
    );
  }
  return undefined;
}

/** MSG_LEN outside [62, maxFrameBytes] as a FrameError, else undefined. */
export function checkMsgLen(msgLen: number, maxFrameBytes: number): FrameError | undefined {
  if (msgLen < HEADER_SIZE) {
    return new FrameError('FRAME_TOO_SHORT', `MSG_LEN ${msgLen} < ${HEADER_SIZE}`);
  }
  if (msgLen > maxFrameBytes) {
    return new FrameError('FRAME_TOO_LONG', `MSG_LEN ${msgLen} > max-frame-bytes ${maxFrameBytes}`);
  }
  return undefined;
}

/**
 * Decodes one complete frame held in `buf` (exactly one frame, no trailing bytes).
 * For sockets use {@link FrameDecoder}, which handles split and coalesced frames.
 */
export function decodeFrame(
  buf: Buffer,
  maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
): Frame | FrameError {
  if (buf.length < 4) {
    return new FrameError('FRAME_TOO_SHORT', `${buf.length} bytes, MSG_LEN needs 4`);
  }
  const msgLen = buf.readUInt32LE(Offset.MSG_LEN);
  const lenError = checkMsgLen(msgLen, maxFrameBytes);
  if (lenError) return lenError;
  if (msgLen !== buf.length) {
    return new FrameError(
      msgLen > buf.length ? 'FRAME_TOO_SHORT' : 'PARAM_COUNT_MISMATCH',
      `MSG_LEN ${msgLen} but ${buf.length} bytes given`,
    );
  }
  return validateParams(buf) ?? new Frame(buf);
}
