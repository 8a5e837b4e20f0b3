export type FrameErrorCode =
  /** MSG_LEN < 62. */
  | 'FRAME_TOO_SHORT'
  /** MSG_LEN > max-frame-bytes. */
  | 'FRAME_TOO_LONG'
  /** a parameter (its TLV header or value) runs past MSG_LEN. */
  | 'PARAM_OVERFLOW'
  /** PARAM_COUNT parameters end before MSG_LEN: bytes left over. */
  | 'PARAM_COUNT_MISMATCH';

/**
 * A protocol violation found while framing. Returned as a value, never thrown: the
 * stream cannot be resynchronised, so the caller logs it and closes the connection.
 */
export class FrameError extends Error {
  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}
