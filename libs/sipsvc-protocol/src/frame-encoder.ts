import { LENGTH_PREFIX_BYTES } from './length-prefixed-decoder';

export type SipsvcFraming = 'json-stream' | 'length-prefixed';

/** Frames one serialised JSON message for the wire; the result is written to the socket as is. */
export type FrameEncoder = (json: string) => string | Buffer;

/** json-stream: the message followed by `\n` (written as a string: encoded once, by the socket). */
export const encodeJsonStream: FrameEncoder = (json) => json + '\n';

/** length-prefixed: 4-byte big-endian UTF-8 length, then the JSON, in one buffer. */
export const encodeLengthPrefixed: FrameEncoder = (json) => {
  const bodyLength = Buffer.byteLength(json, 'utf8');
  const out = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + bodyLength);
  out.writeUInt32BE(bodyLength, 0);
  out.write(json, LENGTH_PREFIX_BYTES, 'utf8');
  return out;
};

export function frameEncoderFor(framing: SipsvcFraming): FrameEncoder {
  return framing === 'length-prefixed' ? encodeLengthPrefixed : encodeJsonStream;
}
