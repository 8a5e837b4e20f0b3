/**
 * The `security.allowed-clients` whitelist check of sipsvc-json-protocol.md section 2, as pure
 * functions: IP (exact, `*`, or CIDR), MAC (case-insensitive, or `*`), access key (constant-time,
 * or `*`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { AllowedClientConfig } from '../config/config.schema';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict Base64 decode: `null` when `text` is not canonical padded Base64 of at least one byte. */
export function decodeBase64Strict(text: unknown): Buffer | null {
  if (typeof text !== 'string' || text.length === 0 || !BASE64.test(text)) return null;
  return Buffer.from(text, 'base64');
}

/** The bytes of an address (4 for IPv4, 16 for IPv6; IPv4-mapped IPv6 is folded to IPv4). */
export function ipBytes(ip: string): Buffer | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1];
  const kind = isIP(ip);
  if (kind === 4) return Buffer.from(ip.split('.').map(Number));
  if (kind !== 6) return null;
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (v4) {
    tail = v4[1].split('.').map(Number);
    ip = ip.slice(0, -v4[1].length) + '0:0';
  }
  const [head, rest] = ip.split('::');
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  if (v4) out.set(tail, 12);
  return out;
}

/** `pattern` is `*`, an address, or `address/prefix`. */
export function ipMatches(pattern: string, ip: string): boolean {
  if (pattern === '*') return true;
  const slash = pattern.indexOf('/');
  if (slash < 0) {
    const a = ipBytes(pattern);
    const b = ipBytes(ip);
    return a !== null && b !== null && a.equals(b);
  }
  const net = ipBytes(pattern.slice(0, slash));
  const addr = ipBytes(ip);
  const prefix = Number(pattern.slice(slash + 1));
  if (!net || !addr || net.length !== addr.length) return false;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > net.length * 8) return false;
  const fullBytes = prefix >> 3;
  for (let i = 0; i < fullBytes; i++) if (net[i] !== addr[i]) return false;
  const bits = prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (net[fullBytes] & mask) === (addr[fullBytes] & mask);
}

export function macMatches(pattern: string, mac: string): boolean {
  return pattern === '*' || pattern.toLowerCase() === mac.toLowerCase();
}

/** Constant-time in the key contents and length: both sides are hashed to 32 bytes first. */
export function keyMatches(configured: string, presented: Buffer): boolean {
  if (configured === '*') return true;
  const a = createHash('sha256').update(configured, 'utf8').digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/**
 * An entry with `cert-cn` allows only a connection whose client certificate, verified against
 * `tcp.server.tls.ca-file`, has that subject CN (`peerCn`: null without one).
 */
export function certCnMatches(pinned: string | undefined, peerCn: string | null): boolean {
  return pinned === undefined || pinned === peerCn;
}

/** The first entry that allows this client, or undefined. */
export function findAllowedClient(
  entries: readonly AllowedClientConfig[],
  ipAddr: string,
  macAddr: string,
  key: Buffer,
  peerCn: string | null = null,
): AllowedClientConfig | undefined {
  return entries.find(
    (e) =>
      ipMatches(e.ip, ipAddr) &&
      macMatches(e.mac, macAddr) &&
      keyMatches(e.authKey, key) &&
      certCnMatches(e.certCn, peerCn),
  );
}
