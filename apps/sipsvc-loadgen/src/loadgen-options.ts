import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SipsvcFraming } from '../../../libs/sipsvc-protocol/src/frame-encoder';
import { finishLoadOptions, readArgs, readLoadShape } from './load-args';

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
  /** set by `--tls-ca FILE` (with `--tls-cert`, `--tls-key` for a client certificate). */
  tls?: ConnectionOptions;
}

const FLAGS =
  '--host 127.0.0.1 --port 15021 --framing json-stream|length-prefixed --connections 4 ' +
  '--window 32 | --rate N/s  --duration 10 --count N --warmup 0 --drain-timeout 10 ' +
  '--api mcidGetProfile --params 01012345678[,..] --ip --mac --key --config <yaml> --json ' +
  '--tls-ca <pem> [--tls-cert <pem> --tls-key <pem>]';

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
  const r = readArgs(argv, USAGE);
  const client = testClientFrom(r.str('config', `${cwd}/config/insupclient.yaml`));
  const framing = r.str('framing', 'json-stream');
  if (framing !== 'json-stream' && framing !== 'length-prefixed') {
    throw new Error(`--framing must be json-stream or length-prefixed`);
  }
  return finishLoadOptions(r, {
    host: r.str('host', '127.0.0.1'),
    port: r.num('port', 15021, 1),
    framing,
    ...readLoadShape(r),
    ip: r.str('ip', client.ip),
    mac: r.str('mac', client.mac),
    key: r.str('key', client.key),
    json: r.json,
    tls: tlsOptions(r.str('tls-ca', ''), r.str('tls-cert', ''), r.str('tls-key', '')),
  });
}

/** TLS to the gateway when a CA is given: the gateway's certificate must chain to it. */
function tlsOptions(ca: string, cert: string, key: string): ConnectionOptions | undefined {
  if (!ca) {
    if (cert || key) throw new Error('--tls-cert and --tls-key need --tls-ca');
    return undefined;
  }
  const read = (path: string) => (path ? readFileSync(path) : undefined);
  return { ca: read(ca), cert: read(cert), key: read(key), servername: 'localhost' };
}
