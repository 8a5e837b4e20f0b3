import { FrameDecoder, FrameSink } from './frame-decoder';
import { SipsvcFraming } from './frame-encoder';
import { JsonStreamSplitter } from './json-stream-splitter';
import { LengthPrefixedDecoder } from './length-prefixed-decoder';

export function createFrameDecoder(
  framing: SipsvcFraming,
  maxMessageBytes: number,
  sink: FrameSink,
): FrameDecoder {
  return framing === 'length-prefixed'
    ? new LengthPrefixedDecoder(maxMessageBytes, sink)
    : new JsonStreamSplitter(maxMessageBytes, sink);
}
