/** `npm run soak` options and the gateway configuration it runs under. */
import { join } from 'node:path';

export interface SoakOptions {
  rate: number;
  duration: number;
  bDuration: number;
  connections: number;
  sample: number;
  /** phase B makes INSUPC-1 a gray server (silent on queries) instead of pushing INSUPC-2 to MB. */
  gray: boolean;
  /** message.session-timeout (ms); the shipped default when absent. */
  sessionTimeout?: number;
}

export function options(argv: string[]): SoakOptions {
  const num = (name: string, dflt: number, min = 1): number => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : dflt;
    if (!Number.isFinite(v) || v < min) throw new Error(`--${name} must be a number >= ${min}`);
    return v;
  };
  const duration = num('duration', 60);
  return {
    rate: num('rate', 1000),
    duration,
    bDuration: num('b-duration', duration, 0),
    connections: Math.floor(num('connections', 4)),
    sample: num('sample', 10),
    gray: argv.includes('--gray'),
    ...(argv.includes('--session-timeout') ? { sessionTimeout: num('session-timeout', 0) } : {}),
  };
}

export function gatewayConfig(
  o: SoakOptions,
  http: number,
  sipsvc: number,
  insupc: number[],
  dir: string,
) {
  const clients = insupc
    .map((port, i) => `    - { name: INSUPC-${i + 1}, host: 127.0.0.1, port: ${port} }`)
    .join('\n');
  return `# written by scripts/soak.ts
application:
  state-server: { stat-file: "" }
server: { host: 127.0.0.1, port: ${http} }
tcp:
  server: { host: 127.0.0.1, port: ${sipsvc} }
security:
  allowed-clients:
    - { ip: "127.0.0.1", mac: "000000000001", auth-key: "TEST_AUTH_KEY_001" }
insupc:
  recv-queue: { capacity: ${Math.max(5000, o.rate * 100)} }
  clients:
${clients}
tps: { max-tps: ${Math.ceil(o.rate * 10)}, window-size: 1000 }
message: { max-sessions: ${Math.max(10000, o.rate * 100)}${o.sessionTimeout ? `, session-timeout: ${o.sessionTimeout}` : ''} }
worker: { queue-capacity: ${Math.max(10000, o.rate * 100)} }
sipsvc: { recv-queue: { capacity: ${Math.max(5000, o.rate * 100)} } }
oam:
  config: { path: ${join(dir, 'oam-conf.json')} }
logging: { level: warn }
`;
}
