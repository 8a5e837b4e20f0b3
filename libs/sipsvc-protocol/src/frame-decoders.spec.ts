import fc from 'fast-check';
import { createFrameDecoder } from './create-frame-decoder';
import { FrameDecoder } from './frame-decoder';
import { encodeLengthPrefixed, SipsvcFraming } from './frame-encoder';
import { JsonStreamSplitter, MAX_JSON_DEPTH } from './json-stream-splitter';

interface Collected {
  frames: string[];
  violations: string[];
  decoder: FrameDecoder;
}

function collect(framing: SipsvcFraming, max: number): Collected {
  const out: Collected = { frames: [], violations: [], decoder: undefined as never };
  out.decoder = createFrameDecoder(framing, max, {
    frame: (b) => out.frames.push(b.toString('utf8')),
    violation: (r) => out.violations.push(r),
  });
  return out;
}

/** cuts `bytes` at the given (sorted, deduplicated) offsets. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    parts.push(bytes.subarray(prev, p));
    prev = p;
  }
  parts.push(bytes.subarray(prev));
  return parts;
}

/**
 * The splitter's contract, one byte at a time over the whole stream, with no fast paths: the
 * objects handed out and the one violation reported (its text), for differential testing.
 */
function referenceSplit(
  bytes: Buffer,
  max: number,
  maxDepth: number,
): { frames: string[]; violation: string | null } {
  const frames: string[] = [];
  const closers: number[] = [];
  let inString = false;
  let escaped = false;
  let start = 0;
  const tooLarge = `Protocol violation - message exceeds max-message-bytes (${max})`;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (closers.length === 0) {
      if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
      if (b !== 0x7b) {
        const hex = b.toString(16).padStart(2, '0');
        return {
          frames,
          violation: `Protocol violation - a message must be a JSON object (byte 0x${hex})`,
        };
      }
      closers.push(0x7d);
      start = i;
      continue;
    }
    let closed = false;
    if (inString) {
      if (escaped) escaped = false;
      else if (b === 0x5c) escaped = true;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (closers.length === maxDepth) {
        return {
          frames,
          violation: `Protocol violation - JSON nesting deeper than ${maxDepth} levels`,
        };
      }
      closers.push(b === 0x7b ? 0x7d : 0x5d);
    } else if (b === 0x7d || b === 0x5d) {
      if (closers.pop() !== b)
        return { frames, violation: 'Protocol violation - mismatched bracket' };
      closed = closers.length === 0;
    }
    // a bracket's own violation is reported before the size
    if (i - start + 1 > max) return { frames, violation: tooLarge };
    if (closed) frames.push(bytes.toString('utf8', start, i + 1));
  }
  return { frames, violation: null };
}

/**
 * Reference model of the splitter for text whose strings hold no brackets or quotes: the
 * objects it should hand out and the violation it should report, if any.
 */
function splitModel(text: string): { frames: string[]; violation: RegExp | null } {
  const frames: string[] = [];
  const stack: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (stack.length === 0) {
      if (ch === '{') {
        stack.push('}');
        start = i;
      } else if (!/\s/.test(ch)) return { frames, violation: /must be a JSON object/ };
    } else if (ch === '{' || ch === '[') {
      stack.push(ch === '{' ? '}' : ']');
    } else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch)
        return { frames, violation: /^Protocol violation - mismatched bracket$/ };
      if (stack.length === 0) frames.push(text.slice(start, i + 1));
    }
  }
  return { frames, violation: null };
}

const jsonObject = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.integer(),
    fc.constant('}{"\\'),
    fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.dictionary(fc.string(), fc.string())), {
      maxLength: 3,
    }),
  ),
  { maxKeys: 6 },
);
const separator = fc.constantFrom('', '\n', ' ', '\r\n', '\t \n');

describe('JsonStreamSplitter', () => {
  it('splits concatenated and newline-separated objects, string and escape aware', () => {
    const c = collect('json-stream', 1000);
    c.decoder.push(Buffer.from('{"a":"}"}{"b":"\\"{"}\n {"c":[1,{"d":2}]}\r\n'));
    expect(c.frames).toEqual(['{"a":"}"}', '{"b":"\\"{"}', '{"c":[1,{"d":2}]}']);
    expect(c.violations).toEqual([]);
    expect(c.decoder.bufferedBytes).toBe(0);
  });

  it('hands a balanced but invalid object to the owner (Malformed JSON is its call)', () => {
    const c = collect('json-stream', 1000);
    c.decoder.push(Buffer.from('{"a":,[}]}{"ok":1}'.replace('[}]', '[]')));
    expect(c.frames).toEqual(['{"a":,[]}', '{"ok":1}']);
    expect(c.violations).toEqual([]);
  });

  it('reports a mismatched closing bracket at once, not after max-message-bytes', () => {
    for (const text of ['{"a":[}', '{"a":]', '{"a":{]}']) {
      const c = collect('json-stream', 65536);
      c.decoder.push(Buffer.from(text));
      c.decoder.push(Buffer.from('{"b":1}'));
      expect(c.frames).toEqual([]);
      expect(c.violations).toEqual(['Protocol violation - mismatched bracket']);
      expect(c.decoder.bufferedBytes).toBe(0);
    }
  });

  it('property: bracket noise inside strings is ignored, outside strings a mismatch is a violation', () => {
    const noise = fc.array(fc.constantFrom('{', '}', '[', ']'), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(noise, fc.array(fc.nat(), { maxLength: 6 }), (chars, cuts) => {
        const inside = JSON.stringify({ s: chars.join('') });
        const c = collect('json-stream', 1000);
        for (const part of split(Buffer.from(inside + '{"n":1}'), cuts)) c.decoder.push(part);
        expect(c.frames).toEqual([inside, '{"n":1}']);
        expect(c.violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(noise, fc.array(fc.nat(), { maxLength: 6 }), (chars, cuts) => {
        const outside = `{"v":[${chars.join('')}]}`;
        const stream = outside + '{"n":1}';
        const expected = splitModel(stream);
        const c = collect('json-stream', 1000);
        for (const part of split(Buffer.from(stream), cuts)) c.decoder.push(part);
        expect(c.frames).toEqual(expected.frames);
        if (expected.violation) {
          // refused at the first bad byte, never after max-message-bytes
          expect(c.violations).toHaveLength(1);
          expect(c.violations[0]).toMatch(expected.violation);
        } else {
          expect(c.violations).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reports bytes that cannot start an object, then ignores all input', () => {
    const c = collect('json-stream', 1000);
    c.decoder.push(Buffer.from('{"a":1} hello {"b":2}'));
    expect(c.frames).toEqual(['{"a":1}']);
    expect(c.violations).toHaveLength(1);
    expect(c.violations[0]).toMatch(/must be a JSON object/);
    c.decoder.push(Buffer.from('{"c":3}'));
    expect(c.frames).toHaveLength(1);
    expect(c.decoder.failed).toBe(true);
  });

  it('reports an object larger than max-message-bytes, whether split or not', () => {
    const big = `{"x":"${'a'.repeat(100)}"}`;
    const whole = collect('json-stream', 64);
    whole.decoder.push(Buffer.from(big));
    expect(whole.violations[0]).toMatch(/exceeds max-message-bytes \(64\)/);
    const parts = collect('json-stream', 64);
    for (const ch of big) parts.decoder.push(Buffer.from(ch));
    expect(parts.violations).toHaveLength(1);
    expect(parts.frames).toEqual([]);
  });

  it('accepts an object of exactly max-message-bytes', () => {
    const msg = `{"x":"${'a'.repeat(56)}"}`;
    expect(msg.length).toBe(64);
    const c = collect('json-stream', 64);
    c.decoder.push(Buffer.from(msg.slice(0, 10)));
    c.decoder.push(Buffer.from(msg.slice(10)));
    expect(c.frames).toEqual([msg]);
  });

  it('accepts nesting up to MAX_JSON_DEPTH and refuses one level more, however split', () => {
    const nest = (levels: number): string =>
      `{"r":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
    const ok = collect('json-stream', 1000);
    ok.decoder.push(Buffer.from(nest(MAX_JSON_DEPTH)));
    expect(ok.frames).toEqual([nest(MAX_JSON_DEPTH)]);
    expect(ok.violations).toEqual([]);

    const deep = Buffer.from(nest(MAX_JSON_DEPTH + 1) + '{"after":1}');
    const parts = collect('json-stream', 1000);
    for (let i = 0; i < deep.length; i++) parts.decoder.push(deep.subarray(i, i + 1));
    expect(parts.frames).toEqual([]);
    expect(parts.violations).toEqual([
      `Protocol violation - JSON nesting deeper than ${MAX_JSON_DEPTH} levels`,
    ]);
    expect(parts.decoder.failed).toBe(true);
  });

  it('refuses a 12 KB nesting attack before reaching max-message-bytes', () => {
    const c = collect('json-stream', 65536);
    c.decoder.push(Buffer.from(`{"cmd":"x","seq":${'['.repeat(6000)}${']'.repeat(6000)}}`));
    expect(c.violations).toHaveLength(1);
    expect(c.violations[0]).toMatch(/nesting deeper than/);
    expect(c.decoder.bufferedBytes).toBe(0);
  });

  it('property: any split of a stream of objects decodes to the same objects', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(jsonObject, separator), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (items, cuts) => {
          const texts = items.map(([o]) => JSON.stringify(o));
          const stream = Buffer.from(items.map(([o, sep]) => JSON.stringify(o) + sep).join(''));
          const c = collect('json-stream', 1 << 20);
          for (const part of split(stream, cuts)) c.decoder.push(part);
          expect(c.violations).toEqual([]);
          expect(c.frames).toEqual(texts);
          expect(c.frames.map((f) => JSON.parse(f))).toEqual(items.map(([o]) => o));
          expect(c.decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: agrees with a byte-at-a-time reference on strings, escapes, size and depth, however split', () => {
    const token = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '"',
      '\\',
      'a',
      'é',
      ' ',
      '\n',
      ':',
      ',',
      '{"s":"',
      '\\"}',
      '"}',
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 120 }),
        fc.integer({ min: 4, max: 80 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (tokens, max, depth, cuts) => {
          const bytes = Buffer.from(tokens.join(''));
          const want = referenceSplit(bytes, max, depth);
          const got = { frames: [] as string[], violations: [] as string[] };
          const splitter = new JsonStreamSplitter(
            max,
            {
              frame: (b) => got.frames.push(b.toString('utf8')),
              violation: (r) => got.violations.push(r),
            },
            depth,
          );
          for (const part of split(bytes, cuts)) splitter.push(part);
          expect(got.frames).toEqual(want.frames);
          expect(got.violations).toEqual(want.violation ? [want.violation] : []);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: random bytes inside an open object stay bounded (no early violation needed)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const max = 256;
        let violations = 0;
        const splitter = new JsonStreamSplitter(max, {
          frame: () => undefined,
          violation: () => violations++,
        });
        splitter.push(Buffer.from('{"s":"'));
        for (const chunk of chunks) splitter.push(Buffer.from(chunk));
        expect(splitter.bufferedBytes).toBeLessThanOrEqual(max);
        expect(violations).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('LengthPrefixedDecoder', () => {
  const frame = (s: string): Buffer => encodeLengthPrefixed(s) as Buffer;

  it('decodes frames back to back', () => {
    const c = collect('length-prefixed', 1000);
    c.decoder.push(Buffer.concat([frame('{"a":1}'), frame('{"b":"é"}')]));
    expect(c.frames).toEqual(['{"a":1}', '{"b":"é"}']);
  });

  it('rejects a zero or oversized length before buffering the body', () => {
    const zero = collect('length-prefixed', 100);
    zero.decoder.push(Buffer.from([0, 0, 0, 0]));
    expect(zero.violations[0]).toMatch(/frame length 0/);
    const big = collect('length-prefixed', 100);
    big.decoder.push(Buffer.from([0, 0, 0, 101, 0x7b]));
    expect(big.violations[0]).toMatch(/frame length 101 outside 1\.\.100/);
    expect(big.decoder.bufferedBytes).toBe(0);
  });

  it('property: any split of a stream of frames decodes to the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(jsonObject, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (objects, cuts) => {
          const texts = objects.map((o) => JSON.stringify(o));
          const stream = Buffer.concat(texts.map(frame));
          const c = collect('length-prefixed', 1 << 20);
          for (const part of split(stream, cuts)) c.decoder.push(part);
          expect(c.violations).toEqual([]);
          expect(c.frames).toEqual(texts);
          expect(c.decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe.each(['json-stream', 'length-prefixed'] as const)('%s decoder', (framing) => {
  it('property: random bytes never throw and never hold more than max-message-bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (chunks) => {
        const max = 128;
        const decoder = createFrameDecoder(framing, max, {
          frame: (b) => expect(b.length).toBeLessThanOrEqual(max),
          violation: () => undefined,
        });
        for (const chunk of chunks) {
          decoder.push(Buffer.from(chunk));
          expect(decoder.bufferedBytes).toBeLessThanOrEqual(max);
        }
      }),
      { numRuns: 500 },
    );
  });
});
