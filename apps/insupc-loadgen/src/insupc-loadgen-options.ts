import { finishLoadOptions, readArgs, readLoadShape } from '../../sipsvc-loadgen/src/load-args';
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
  const r = readArgs(argv, USAGE);
  const ports = r
    .str('port', '')
    .split(',')
    .filter((p) => p !== '')
    .map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new Error(`--port must be one or more TCP ports, comma-separated\n${USAGE}`);
  }
  return finishLoadOptions(r, {
    host: r.str('host', '127.0.0.1'),
    ports,
    framing: 'insupc-binary',
    ...readLoadShape(r),
    json: r.json,
  });
}
