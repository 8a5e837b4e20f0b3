/**
 * VICI wire format (strongSwan src/libcharon/plugins/vici/README.md): 32-bit big-endian
 * length framing, a packet type byte, an optional 8-bit-length name, then a message made
 * of typed elements. Pure functions; every decoder bounds what it reads.
 */

/** charon's VICI_MESSAGE_SIZE_MAX: the largest segment either side accepts. */
export const VICI_MAX_SEGMENT = 512 * 1024;
/** sections nest arbitrarily in the format; a bound keeps a hostile peer off the stack. */
export const VICI_MAX_DEPTH = 64;

export enum PacketType {
  CMD_REQUEST = 0,
  CMD_RESPONSE = 1,
  CMD_UNKNOWN = 2,
  EVENT_REGISTER = 3,
  EVENT_UNREGISTER = 4,
  EVENT_CONFIRM = 5,
  EVENT_UNKNOWN = 6,
  EVENT = 7,
}

export enum ElementType {
  SECTION_START = 1,
  SECTION_END = 2,
  KEY_VALUE = 3,
  LIST_START = 4,
  LIST_ITEM = 5,
  LIST_END = 6,
}

/** A decoded message: charon sends every value as a string. */
export interface ViciSection {
  [key: string]: ViciValue;
}
export type ViciValue = string | string[] | ViciSection;

/** What the encoder accepts: YAML-shaped data (numbers and booleans become strings). */
export type ViciScalar = string | number | boolean | Buffer;
export type ViciInputValue = ViciScalar | readonly ViciScalar[] | ViciInput;
export interface ViciInput {
  readonly [key: string]: ViciInputValue | undefined;
}

export interface ViciPacket {
  type: PacketType;
  /** set for CMD_REQUEST, EVENT_REGISTER, EVENT_UNREGISTER and EVENT. */
  name?: string;
  /** set for CMD_REQUEST, CMD_RESPONSE and EVENT. */
  message?: ViciSection;
}

export class ViciProtocolError extends Error {
  override name = 'ViciProtocolError';
}

const NAMED = new Set([
  PacketType.CMD_REQUEST,
  PacketType.EVENT_REGISTER,
  PacketType.EVENT_UNREGISTER,
  PacketType.EVENT,
]);
const WITH_MESSAGE = new Set([PacketType.CMD_REQUEST, PacketType.CMD_RESPONSE, PacketType.EVENT]);

export const isNamedPacket = (t: PacketType): boolean => NAMED.has(t);
export const packetHasMessage = (t: PacketType): boolean => WITH_MESSAGE.has(t);

// ---------------------------------------------------------------- encoding

function scalarBytes(v: ViciScalar, path: string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'boolean') return Buffer.from(v ? 'yes' : 'no');
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ViciProtocolError(`${path}: not a finite number`);
    return Buffer.from(String(v));
  }
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  throw new ViciProtocolError(`${path}: unsupported value type ${typeof v}`);
}

function nameBytes(name: string, path: string): Buffer {
  const b = Buffer.from(name, 'utf8');
  if (b.length === 0 || b.length > 255) {
    throw new ViciProtocolError(`${path}: a name must be 1..255 bytes`);
  }
  return b;
}

function valueBlob(v: Buffer, path: string): Buffer[] {
  if (v.length > 0xffff) throw new ViciProtocolError(`${path}: value longer than 65535 bytes`);
  const len = Buffer.allocUnsafe(2);
  len.writeUInt16BE(v.length, 0);
  return [len, v];
}

const isScalar = (v: unknown): v is ViciScalar =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || Buffer.isBuffer(v);

function encodeSection(section: ViciInput, parts: Buffer[], path: string, depth: number): void {
  if (depth > VICI_MAX_DEPTH) throw new ViciProtocolError(`${path}: nested too deep`);
  for (const [key, value] of Object.entries(section)) {
    if (value === undefined) continue;
    const at = path ? `${path}.${key}` : key;
    const name = nameBytes(key, at);
    const head = (type: ElementType) => Buffer.from([type, name.length]);
    if (isScalar(value)) {
      parts.push(head(ElementType.KEY_VALUE), name, ...valueBlob(scalarBytes(value, at), at));
    } else if (Array.isArray(value)) {
      parts.push(head(ElementType.LIST_START), name);
      for (const item of value as readonly unknown[]) {
        if (!isScalar(item)) throw new ViciProtocolError(`${at}: list items must be scalars`);
        parts.push(Buffer.from([ElementType.LIST_ITEM]), ...valueBlob(scalarBytes(item, at), at));
      }
      parts.push(Buffer.from([ElementType.LIST_END]));
    } else if (typeof value === 'object' && value !== null) {
      parts.push(head(ElementType.SECTION_START), name);
      encodeSection(value as ViciInput, parts, at, depth + 1);
      parts.push(Buffer.from([ElementType.SECTION_END]));
    } else {
      throw new ViciProtocolError(`${at}: unsupported value type ${typeof value}`);
    }
  }
}

export function encodeMessage(message: ViciInput): Buffer {
  const parts: Buffer[] = [];
  encodeSection(message, parts, '', 0);
  return Buffer.concat(parts);
}

/** One length-prefixed segment holding a packet, ready for the socket. */
export function encodePacket(packet: {
  type: PacketType;
  name?: string;
  message?: ViciInput;
}): Buffer {
  const parts: Buffer[] = [Buffer.alloc(4), Buffer.from([packet.type])];
  if (isNamedPacket(packet.type)) {
    if (packet.name === undefined) throw new ViciProtocolError('this packet type needs a name');
    const name = nameBytes(packet.name, 'packet name');
    parts.push(Buffer.from([name.length]), name);
  }
  if (packetHasMessage(packet.type) && packet.message) parts.push(encodeMessage(packet.message));
  const out = Buffer.concat(parts);
  if (out.length - 4 > VICI_MAX_SEGMENT) {
    throw new ViciProtocolError(`packet of ${out.length - 4} bytes exceeds ${VICI_MAX_SEGMENT}`);
  }
  out.writeUInt32BE(out.length - 4, 0);
  return out;
}

// ---------------------------------------------------------------- decoding

/** Sets a key without ever touching a prototype (a key may be "__proto__"). */
function put(target: ViciSection, key: string, value: ViciValue): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Decodes a message body (the bytes after the packet type and name). */
export function decodeMessage(buf: Buffer): ViciSection {
  const root: ViciSection = {};
  const stack: ViciSection[] = [root];
  let list: string[] | null = null;
  let pos = 0;

  const need = (n: number, what: string) => {
    if (pos + n > buf.length) throw new ViciProtocolError(`truncated ${what} at offset ${pos}`);
  };
  const readName = (): string => {
    need(1, 'name length');
    const len = buf[pos++];
    need(len, 'name');
    const s = buf.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };
  const readValue = (): string => {
    need(2, 'value length');
    const len = buf.readUInt16BE(pos);
    pos += 2;
    need(len, 'value');
    const s = buf.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };

  while (pos < buf.length) {
    const type = buf[pos++] as ElementType;
    const current = stack[stack.length - 1];
    if (list && type !== ElementType.LIST_ITEM && type !== ElementType.LIST_END) {
      throw new ViciProtocolError(`element ${type} inside a list at offset ${pos - 1}`);
    }
    switch (type) {
      case ElementType.SECTION_START: {
        if (stack.length > VICI_MAX_DEPTH) throw new ViciProtocolError('sections nested too deep');
        const section: ViciSection = {};
        put(current, readName(), section);
        stack.push(section);
        break;
      }
      case ElementType.SECTION_END:
        if (stack.length === 1) throw new ViciProtocolError(`unbalanced SECTION_END at ${pos - 1}`);
        stack.pop();
        break;
      case ElementType.KEY_VALUE: {
        const key = readName();
        put(current, key, readValue());
        break;
      }
      case ElementType.LIST_START: {
        const key = readName();
        list = [];
        put(current, key, list);
        break;
      }
      case ElementType.LIST_ITEM:
        if (!list) throw new ViciProtocolError(`LIST_ITEM outside a list at offset ${pos - 1}`);
        list.push(readValue());
        break;
      case ElementType.LIST_END:
        if (!list) throw new ViciProtocolError(`LIST_END outside a list at offset ${pos - 1}`);
        list = null;
        break;
      default:
        throw new ViciProtocolError(`unknown element type ${type as number} at offset ${pos - 1}`);
    }
  }
  if (list) throw new ViciProtocolError('unterminated list');
  if (stack.length !== 1) throw new ViciProtocolError('unterminated section');
  return root;
}

/** Decodes one segment's payload (without its length prefix) into a packet. */
export function decodePacket(segment: Buffer): ViciPacket {
  if (segment.length < 1) throw new ViciProtocolError('empty packet');
  const type = segment[0] as PacketType;
  if (type < PacketType.CMD_REQUEST || type > PacketType.EVENT) {
    throw new ViciProtocolError(`unknown packet type ${type as number}`);
  }
  let pos = 1;
  const packet: ViciPacket = { type };
  if (isNamedPacket(type)) {
    if (segment.length < 2) throw new ViciProtocolError('truncated packet name');
    const len = segment[1];
    if (2 + len > segment.length) throw new ViciProtocolError('truncated packet name');
    packet.name = segment.toString('utf8', 2, 2 + len);
    pos = 2 + len;
  }
  if (packetHasMessage(type)) packet.message = decodeMessage(segment.subarray(pos));
  else if (pos !== segment.length)
    throw new ViciProtocolError(`unexpected payload in packet type ${type}`);
  return packet;
}

/**
 * Splits a byte stream into segments. Feed it socket chunks of any size; it returns the
 * complete segments and keeps the rest. A length over `maxSegment` is a protocol error
 * (the connection cannot be resynchronised and must be closed).
 */
export class ViciFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxSegment = VICI_MAX_SEGMENT) {}

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let pos = 0;
    while (this.pending.length - pos >= 4) {
      const len = this.pending.readUInt32BE(pos);
      if (len > this.maxSegment) {
        throw new ViciProtocolError(`segment of ${len} bytes exceeds ${this.maxSegment}`);
      }
      if (this.pending.length - pos - 4 < len) break;
      out.push(this.pending.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    this.pending = pos === this.pending.length ? Buffer.alloc(0) : this.pending.subarray(pos);
    return out;
  }

  /** bytes received but not yet part of a complete segment. */
  get buffered(): number {
    return this.pending.length;
  }
}
