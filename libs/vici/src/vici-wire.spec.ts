import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeMessage,
  decodePacket,
  encodeMessage,
  encodePacket,
  PacketType,
  ViciFrameDecoder,
  ViciProtocolError,
  ViciSection,
  VICI_MAX_SEGMENT,
} from './vici-wire';

const name = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => Buffer.byteLength(s) <= 255);
const value = fc.string({ maxLength: 40 });
const section: fc.Arbitrary<ViciSection> = fc.letrec<{ s: ViciSection }>((tie) => ({
  s: fc.dictionary(
    name,
    fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      value,
      fc.array(value, { maxLength: 4 }),
      tie('s'),
    ),
    { maxKeys: 5 },
  ),
})).s;

describe('VICI wire format', () => {
  it('encodes the README example byte for byte', () => {
    const bytes = encodeMessage({
      key1: 'value1',
      section1: { 'sub-section': { key2: 'value2' }, list1: ['item1', 'item2'] },
    });
    const expected = Buffer.from([
      3, 4, ...Buffer.from('key1'), 0, 6, ...Buffer.from('value1'),
      1, 8, ...Buffer.from('section1'),
      1, 11, ...Buffer.from('sub-section'),
      3, 4, ...Buffer.from('key2'), 0, 6, ...Buffer.from('value2'),
      2,
      4, 5, ...Buffer.from('list1'),
      5, 0, 5, ...Buffer.from('item1'),
      5, 0, 5, ...Buffer.from('item2'),
      6,
      2,
    ]); // prettier-ignore
    expect(bytes).toEqual(expected);
  });

  it('turns numbers and booleans into the strings charon expects', () => {
    expect(decodeMessage(encodeMessage({ version: 2, mobike: false, x: true }))).toEqual({
      version: '2',
      mobike: 'no',
      x: 'yes',
    });
  });

  it('refuses what the format cannot carry', () => {
    expect(() => encodeMessage({ '': 'x' })).toThrow(ViciProtocolError);
    expect(() => encodeMessage({ k: 'x'.repeat(70000) })).toThrow(ViciProtocolError);
    expect(() => encodeMessage({ l: [{ a: 1 }] as never })).toThrow(ViciProtocolError);
  });

  it('decode(encode(m)) is m for any message (property)', () => {
    fc.assert(fc.property(section, (m) => expect(decodeMessage(encodeMessage(m))).toEqual(m)));
  });

  it('keeps a "__proto__" key as data', () => {
    const m = decodeMessage(Buffer.from([3, 9, ...Buffer.from('__proto__'), 0, 1, 0x78]));
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.keys(m)).toEqual(['__proto__']);
  });

  it('never throws anything but ViciProtocolError on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodePacket(Buffer.from(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(ViciProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects unbalanced and truncated messages', () => {
    expect(() => decodeMessage(Buffer.from([2]))).toThrow('unbalanced');
    expect(() => decodeMessage(Buffer.from([1, 1, 0x61]))).toThrow('unterminated section');
    expect(() => decodeMessage(Buffer.from([4, 1, 0x61]))).toThrow('unterminated list');
    expect(() => decodeMessage(Buffer.from([3, 1, 0x61, 0, 5, 0x61]))).toThrow('truncated');
    expect(() => decodeMessage(Buffer.from([5, 0, 0]))).toThrow('outside a list');
    expect(() => decodeMessage(Buffer.from([4, 1, 0x61, 3]))).toThrow('inside a list');
    const deep = Buffer.concat(Array.from({ length: 100 }, () => Buffer.from([1, 1, 0x61])));
    expect(() => decodeMessage(deep)).toThrow('too deep');
  });

  it('reassembles packets from any split of the stream (property)', () => {
    const packet = fc.record({
      type: fc.constantFrom(PacketType.CMD_RESPONSE, PacketType.EVENT, PacketType.EVENT_CONFIRM),
      name: fc.constantFrom('ike-updown', 'list-sa'),
      message: section,
    });
    fc.assert(
      fc.property(
        fc.array(packet, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat()),
        (packets, cuts) => {
          const wire = Buffer.concat(packets.map((p) => encodePacket(p)));
          const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
          const decoder = new ViciFrameDecoder();
          const got: ReturnType<typeof decodePacket>[] = [];
          let last = 0;
          for (const p of [...points, wire.length]) {
            got.push(...decoder.push(wire.subarray(last, p)).map(decodePacket));
            last = p;
          }
          expect(decoder.buffered).toBe(0);
          expect(got).toEqual(
            packets.map((p) => ({
              type: p.type,
              ...(p.type === PacketType.EVENT ? { name: p.name } : {}),
              ...(p.type === PacketType.EVENT_CONFIRM ? {} : { message: p.message }),
            })),
          );
        },
      ),
    );
  });

  it('refuses a segment longer than charon allows before buffering it', () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(VICI_MAX_SEGMENT + 1);
    expect(() => new ViciFrameDecoder().push(head)).toThrow('exceeds');
  });

  it('decodes a session captured from a real charon 5.9.8', () => {
    // register ike-updown, child-updown, alert (unknown in 5.9); version; initiate by
    // swanctl; list-sas streamed; terminate by swanctl.
    const wire = readFileSync(join(__dirname, 'fixtures', 'charon-5.9.8-session.bin'));
    const packets = new ViciFrameDecoder().push(wire).map(decodePacket);
    expect(packets.slice(0, 3).map((p) => p.type)).toEqual([
      PacketType.EVENT_CONFIRM,
      PacketType.EVENT_CONFIRM,
      PacketType.EVENT_UNKNOWN,
    ]);
    expect(packets[3].message).toMatchObject({ daemon: 'charon', version: '5.9.8' });
    const ikeUp = packets.find((p) => p.name === 'ike-updown' && p.message?.up === 'yes');
    expect(ikeUp?.message?.['lab-tunnel']).toMatchObject({
      state: 'ESTABLISHED',
      'remote-host': '10.99.1.2',
    });
    const listSa = packets.find((p) => p.name === 'list-sa');
    const sa = listSa?.message?.['lab-tunnel'] as ViciSection;
    expect(sa['child-sas']).toBeDefined();
    const childUp = packets.find((p) => p.name === 'child-updown');
    expect(childUp).toBeDefined();
    const ikeDown = packets.find((p) => p.name === 'ike-updown' && p.message?.up === undefined);
    expect(ikeDown?.message?.['lab-tunnel']).toMatchObject({ 'remote-host': '10.99.1.2' });
  });
});
