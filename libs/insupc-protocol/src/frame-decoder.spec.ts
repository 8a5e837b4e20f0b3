import fc from 'fast-check';
import {
  FrameDecoder,
  FrameError,
  HEADER_SIZE,
  MsgCode,
  NodeType,
  Offset,
  ParamType,
  encodeDbNettestRequest,
  encodeDbQueryRequest,
  encodeFrame,
  type Frame,
  type FrameHeader,
  type Param,
} from './index';

const MAX = 4096;

function collect(maxFrameBytes = MAX): { decoder: FrameDecoder; frames: Frame[] } {
  const frames: Frame[] = [];
  return { decoder: new FrameDecoder({ maxFrameBytes, onFrame: (f) => frames.push(f) }), frames };
}

const hdr = { asId: 100, transactionId: 1, sessionId: 'INSUP_SESSION_001' };

const headerArb: fc.Arbitrary<FrameHeader> = fc.record({
  msgCode: fc.integer({ min: 0, max: 255 }),
  svca: fc.constantFrom(NodeType.AS, NodeType.INSUPC),
  dvca: fc.constantFrom(NodeType.AS, NodeType.INSUPC),
  result: fc.integer({ min: 0, max: 255 }),
  asId: fc.integer({ min: 0, max: 0xffff }),
  transactionId: fc.integer({ min: 0, max: 0xffffffff }),
  sessionId: fc.string({ unit: fc.constantFrom(...'ABCZ_019'), maxLength: 32 }),
  svcId: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 4 }),
});

const paramArb: fc.Arbitrary<Param> = fc.record({
  type: fc.integer({ min: 0, max: 0xffff }),
  value: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
});

const frameArb = fc
  .tuple(headerArb, fc.array(paramArb, { maxLength: 6 }))
  .map(([h, params]) => encodeFrame(h, params));

/** Cuts `stream` at the given sorted positions. */
function split(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    chunks.push(stream.subarray(prev, p));
    prev = p;
  }
  chunks.push(stream.subarray(prev));
  return chunks;
}

describe('FrameDecoder', () => {
  it('decodes coalesced frames from one chunk without copying', () => {
    const a = encodeDbNettestRequest(hdr);
    const b = encodeDbQueryRequest({ ...hdr, transactionId: 2 }, 'api', ['x']);
    const chunk = Buffer.concat([a, b]);
    const { decoder, frames } = collect();

    expect(decoder.push(chunk)).toBeUndefined();

    expect(frames.map((f) => f.transactionId)).toEqual([1, 2]);
    expect(frames[1].buffer.buffer).toBe(chunk.buffer);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('assembles a frame split byte by byte, and the frame outlives later pushes', () => {
    const frame = encodeDbQueryRequest(hdr, 'mcidGetProfile', ['01012345678']);
    const { decoder, frames } = collect();
    for (let i = 0; i < frame.length; i++) {
      expect(decoder.push(frame.subarray(i, i + 1))).toBeUndefined();
    }
    decoder.push(encodeDbNettestRequest({ ...hdr, transactionId: 5 }));
    expect(frames).toHaveLength(2);
    expect(frames[0].buffer.equals(frame)).toBe(true);
    expect(frames[0].paramString(ParamType.API_NAME)).toBe('mcidGetProfile');
  });

  it('rejects MSG_LEN < 62 and > max as soon as the 4 length bytes arrive', () => {
    const short = collect();
    const lenOnly = Buffer.alloc(4);
    lenOnly.writeUInt32LE(61);
    expect(short.decoder.push(lenOnly.subarray(0, 2))).toBeUndefined();
    expect(short.decoder.push(lenOnly.subarray(2))).toMatchObject({ code: 'FRAME_TOO_SHORT' });

    const long = collect(1000);
    lenOnly.writeUInt32LE(1001);
    const err = long.decoder.push(lenOnly);
    expect(err).toBeInstanceOf(FrameError);
    expect(err?.code).toBe('FRAME_TOO_LONG');
    expect(long.decoder.bufferedBytes).toBe(0);
  });

  it('rejects parameters that overflow or underfill MSG_LEN', () => {
    const frame = encodeDbQueryRequest(hdr, 'api', ['abc']);
    const overflow = Buffer.from(frame);
    overflow.writeUInt16LE(3, Offset.PARAM_COUNT);
    expect(collect().decoder.push(overflow)).toMatchObject({ code: 'PARAM_OVERFLOW' });

    const lengthy = Buffer.from(frame);
    lengthy.writeUInt16LE(200, HEADER_SIZE + 2);
    expect(collect().decoder.push(lengthy)).toMatchObject({ code: 'PARAM_OVERFLOW' });

    const trailing = Buffer.from(frame);
    trailing.writeUInt16LE(1, Offset.PARAM_COUNT);
    expect(collect().decoder.push(trailing)).toMatchObject({ code: 'PARAM_COUNT_MISMATCH' });
  });

  it('stays failed after an error and emits nothing more', () => {
    const { decoder, frames } = collect();
    const bad = Buffer.alloc(HEADER_SIZE);
    bad.writeUInt32LE(10);
    const err = decoder.push(bad);
    expect(decoder.push(encodeDbNettestRequest(hdr))).toBe(err);
    expect(decoder.failure).toBe(err);
    expect(frames).toHaveLength(0);
  });

  it('property: any split of a stream of valid frames decodes to the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (encoded, cuts) => {
          const stream = Buffer.concat(encoded);
          const { decoder, frames } = collect();
          for (const chunk of split(stream, cuts)) {
            expect(decoder.push(chunk)).toBeUndefined();
          }
          expect(decoder.bufferedBytes).toBe(0);
          expect(frames.map((f) => f.buffer.toString('hex'))).toEqual(
            encoded.map((b) => b.toString('hex')),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: random bytes never throw and never buffer past maxFrameBytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 }),
        fc.integer({ min: HEADER_SIZE, max: 2048 }),
        (chunks, max) => {
          const { decoder } = collect(max);
          for (const c of chunks) {
            const result = decoder.push(Buffer.from(c));
            expect(result === undefined || result instanceof FrameError).toBe(true);
            expect(decoder.bufferedBytes).toBeLessThanOrEqual(max);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: random length prefixes followed by bytes stay within the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (len, body, cuts) => {
          const prefix = Buffer.alloc(4);
          prefix.writeUInt32LE(len);
          const { decoder } = collect(1024);
          for (const chunk of split(Buffer.concat([prefix, body]), cuts)) {
            const result = decoder.push(chunk);
            expect(result === undefined || result instanceof FrameError).toBe(true);
            expect(decoder.bufferedBytes).toBeLessThanOrEqual(1024);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: mutated valid frames give frames or a typed error, never an exception', () => {
    fc.assert(
      fc.property(
        frameArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (frame, mutations) => {
          const mutated = Buffer.from(frame);
          for (const [pos, byte] of mutations) mutated[pos % mutated.length] = byte;
          const frames: Frame[] = [];
          const decoder = new FrameDecoder({ maxFrameBytes: MAX, onFrame: (f) => frames.push(f) });
          const result = decoder.push(mutated);
          expect(result === undefined || result instanceof FrameError).toBe(true);
          // Whatever was accepted must be fully readable.
          for (const f of frames) {
            f.header();
            f.params();
          }
          if (result) expect(decoder.push(encodeDbNettestRequest(hdr))).toBe(result);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('passes unknown message codes through as frames (the consumer logs and ignores them)', () => {
    const unknown = encodeFrame({
      msgCode: 0x42,
      svca: NodeType.INSUPC,
      dvca: NodeType.AS,
      result: 0,
      asId: 0,
      transactionId: 0,
      sessionId: '',
      svcId: '',
    });
    const { decoder, frames } = collect();
    decoder.push(Buffer.concat([unknown, encodeDbNettestRequest(hdr)]));
    expect(frames.map((f) => f.msgCode)).toEqual([0x42, MsgCode.DB_NETTEST_REQUEST]);
  });
});
