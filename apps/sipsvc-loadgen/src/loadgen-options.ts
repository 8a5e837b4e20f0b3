import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import type { SipsvcFraming } from '../../../libs/sipsvc-protocol/src/frame-encoder';

export interface LoadgenOptions {
  host: string;
  port: number;
  framing: SipsvcFraming;
  connections: number;
  /** closed loop: executes kept outstanding per connection. */
  window: number;
  /** open loop: executes per second over all connections (0 = closed loop). */
  rate: number;
  /** seconds of sending (after warm-up); 0 = until `count`. */
  duration: number;
  /** executes to send in all (after warm-up); 0 = until `duration`. */
  count: number;
  /** seconds sent before measuring (answers still checked exactly-once). */
  warmup: number;
  /** seconds to wait for outstanding answers after sending stops. */
  drainTimeout: number;
  api: string;
  params: string[];
  ip: string;
  mac: string;
  key: string;
  json: boolean;
}

const FLAGS =
  '--host 127.0.0.1 --port 15021 --framing json-stream|length-prefixed --connections 4 ' +
  '--window 32 | --rate N/s  --duration 10 --count N --warmup 0 --drain-timeout 10 ' +
  '--api mcidGetProfile --params 01012345678[,..] --ip --mac --key --config <yaml> --json';

export const USAGE = `usage: sipsvc-loadgen [${FLAGS}]`;

interface TestClient {
  ip: string;
  mac: string;
  key: string;
}

/** the first entry of `security.allowed-clients` in the gateway's config (the test client). */
export function testClientFrom(configPath: string): TestClient {
  const fallback = { ip: '127.0.0.1', mac: '000000000001', key: 'TEST_AUTH_KEY_001' };
  let doc: unknown;
  try {
    doc = load(readFileSync(configPath, 'utf8'));
  } catch {
    return fallback;
  }
  const clients = (doc as { security?: { 'allowed-clients'?: Record<string, unknown>[] } })
    ?.security?.['allowed-clients'];
  const first = Array.isArray(clients) ? clients[0] : undefined;
  const text = (v: unknown, dflt: string): string =>
    typeof v === 'string' && v !== '*' && !v.includes('/') ? v : dflt;
  return {
    ip: text(first?.ip, fallback.ip),
    mac: text(first?.mac, fallback.mac),
    key: text(first?.['auth-key'], fallback.key),
  };
}

export function parseLoadgenArgs(argv: string[], cwd = process.cwd()): LoadgenOptions {
  const given = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      json = true;
      continue;
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${USAGE}`);
    const v = argv[++i];
    if (v === undefined) throw new Error(`missing value for ${a}`);
    given.set(a.slice(2), v);
  }
  const str = (name: string, dflt: string): string => {
    const v = given.get(name) ?? dflt;
    given.delete(name);
    return v;
  };
  const num = (name: string, dflt: number, min = 0): number => {
    const v = Number(str(name, String(dflt)));
    if (!Number.isFinite(v) || v < min) throw new Error(`--${name} must be a number >= ${min}`);
    return v;
  };
  const client = testClientFrom(str('config', `${cwd}/config/insupclient.yaml`));
  const framing = str('framing', 'json-stream');
  if (framing !== 'json-stream' && framing !== 'length-prefixed') {
    throw new Error(`--framing must be json-stream or length-prefixed`);
  }
  const o: LoadgenOptions = {
    host: str('host', '127.0.0.1'),
    port: num('port', 15021, 1),
    framing,
    connections: Math.floor(num('connections', 4, 1)),
    window: Math.floor(num('window', 32, 1)),
    rate: num('rate', 0),
    duration: num('duration', 0),
    count: Math.floor(num('count', 0)),
    warmup: num('warmup', 0),
    drainTimeout: num('drain-timeout', 10),
    api: str('api', 'mcidGetProfile'),
    params: str('params', '01012345678')
      .split(',')
      .filter((p) => p !== ''),
    ip: str('ip', client.ip),
    mac: str('mac', client.mac),
    key: str('key', client.key),
    json,
  };
  if (given.size > 0) throw new Error(`unknown flag --${[...given.keys()][0]}\n${USAGE}`);
  if (o.duration === 0 && o.count === 0) o.duration = 10;
  if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') {
    throw new Error('--host must be a loopback address (127.0.0.1, localhost, ::1)');
  }
  return o;
}
