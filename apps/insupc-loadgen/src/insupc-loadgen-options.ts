import type { LoadShape } from '../../sipsvc-loadgen/src/load-connection';

export interface InsupcLoadgenOptions extends LoadShape {
  host: string;
  /** connections go to these ports round-robin (several servers, or one proxy). */
  ports: number[];
  api: string;
  params: string[];
  json: boolean;
}

export const USAGE =
  'usage: insupc-loadgen --port 19000[,19100] [--host 127.0.0.1 --connections 4 ' +
  '--window 32 | --rate N/s  --duration 10 --count N --warmup 0 --drain-timeout 10 ' +
  '--api mcidGetProfile --params 01012345678[,..] --json]';

export function parseInsupcLoadgenArgs(argv: string[]): InsupcLoadgenOptions {
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
  const ports = str('port', '')
    .split(',')
    .filter((p) => p !== '')
    .map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new Error(`--port must be one or more TCP ports, comma-separated\n${USAGE}`);
  }
  const o: InsupcLoadgenOptions = {
    host: str('host', '127.0.0.1'),
    ports,
    framing: 'insupc-binary',
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
    json,
  };
  if (given.size > 0) throw new Error(`unknown flag --${[...given.keys()][0]}\n${USAGE}`);
  if (o.duration === 0 && o.count === 0) o.duration = 10;
  if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') {
    throw new Error('--host must be a loopback address (127.0.0.1, localhost, ::1)');
  }
  return o;
}
