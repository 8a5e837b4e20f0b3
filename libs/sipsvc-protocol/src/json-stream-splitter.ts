import { ByteAccumulator, FrameDecoder, FrameSink } from './frame-decoder';

const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Deepest nesting accepted (the top-level object is depth 1). SIPSVC messages are a few levels
 * deep; a deeper one is hostile, and past a few thousand levels `JSON.stringify` of an echoed
 * field would overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Splits a byte stream of JSON objects written back to back (with or without whitespace or
 * newlines between them) into one buffer per object, however TCP splits or coalesces them.
 *
 * Each byte is scanned exactly once: the scanner's state (nesting depth, inside a string,
 * after a backslash) survives between chunks, so a continuation chunk resumes where the
 * previous one stopped. Complete objects inside a chunk are handed out as views of that chunk
 * (no copy); only the tail of an incomplete object is copied into a reusable accumulator.
 * Each opening bracket's closer is kept on a stack preallocated at `maxDepth` bytes, so a
 * closer that does not pair up is seen at once: without that, `{"a":[}` would leave the depth
 * above zero and swallow every later request until max-message-bytes. Any other invalid but
 * bracket-balanced object is for `JSON.parse` to reject (the owner answers `Malformed JSON`
 * and keeps the connection).
 *
 * Violations: a byte other than whitespace or `{` between objects, an object growing past
 * `maxMessageBytes` (which also bounds the memory held per connection), nesting deeper than
 * `maxDepth`, or a closing bracket of the wrong kind.
 */
export class JsonStreamSplitter implements FrameDecoder {
  private readonly pending = new ByteAccumulator();
  private depth = 0;
  /** closers[d] is the byte that closes the bracket opened at depth d + 1. */
  private readonly closers: Uint8Array;
  private inString = false;
  private escaped = false;
  private isFailed = false;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly sink: FrameSink,
    private readonly maxDepth = MAX_JSON_DEPTH,
  ) {
    this.closers = new Uint8Array(maxDepth);
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }

  get failed(): boolean {
    return this.isFailed;
  }

  push(chunk: Buffer): void {
    if (this.isFailed) return;
    const len = chunk.length;
    const closers = this.closers;
    const maxDepth = this.maxDepth;
    // the scanner's state in locals (a field access per byte is the cost of this loop),
    // written back before any callback and on return
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    // start of the current object within this chunk; 0 when it began in an earlier chunk.
    let start = 0;
    // the current object is too large once i passes this index
    let limit = this.maxMessageBytes - this.pending.length;
    let i = 0;
    while (i < len) {
      const b = chunk[i];
      if (depth === 0) {
        if (isWhitespace(b)) {
          i++;
          start = i;
          continue;
        }
        if (b !== OPEN_BRACE) {
          this.fail(`Protocol violation - a message must be a JSON object (byte 0x${hex(b)})`);
          return;
        }
        closers[0] = CLOSE_BRACE;
        depth = 1;
        start = i;
        limit = i + this.maxMessageBytes - this.pending.length;
        i++;
        continue;
      }
      if (inString || b === QUOTE) {
        // a string's bytes in one tight loop to its closing quote (or the chunk's end)
        if (!inString) i++;
        else if (escaped) {
          escaped = false;
          i++;
        }
        inString = true;
        while (i < len) {
          const c = chunk[i];
          if (c === QUOTE) {
            inString = false;
            break;
          }
          if (c === BACKSLASH) {
            if (++i === len) {
              escaped = true;
              break;
            }
          }
          i++;
        }
        if (i > limit) {
          this.fail(this.tooLarge());
          return;
        }
        if (inString) continue;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        if (depth === maxDepth) {
          this.fail(`Protocol violation - JSON nesting deeper than ${maxDepth} levels`);
          return;
        }
        closers[depth++] = b === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (b !== closers[depth - 1]) {
          this.fail('Protocol violation - mismatched bracket');
          return;
        }
        if (--depth === 0) {
          if (i >= limit) {
            this.fail(this.tooLarge());
            return;
          }
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
          if (this.pending.length === 0) {
            this.sink.frame(chunk.subarray(start, i + 1));
          } else {
            this.pending.append(chunk, start, i + 1);
            this.sink.frame(this.pending.view());
            this.pending.clear();
          }
          if (this.isFailed) return;
          i++;
          start = i;
          continue;
        }
      }
      i++;
      if (i > limit) {
        this.fail(this.tooLarge());
        return;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    if (depth > 0) this.pending.append(chunk, start, len);
  }

  private tooLarge(): string {
    return `Protocol violation - message exceeds max-message-bytes (${this.maxMessageBytes})`;
  }

  private fail(reason: string): void {
    this.isFailed = true;
    this.pending.release();
    this.sink.violation(reason);
  }
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
