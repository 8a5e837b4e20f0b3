/** `npm run bench` options: which paths, which shapes, how long, how often, what to probe. */

/**
 * `floor`: the bare-bones Node translator `../shared/bench/min-gateway.mjs` (skipped with a
 * note where that file is absent). `ideal`: the least any Node translator spends
 * (scripts/bench-ideal-translator.ts).
 */
export const PATHS = ['direct', 'haproxy', 'gateway', 'gateway-tls', 'floor', 'ideal'] as const;
export type PathName = (typeof PATHS)[number];
/**
 * `gateway-tls` (the gateway with TLS on its SIPSVC port) and `ideal` run when named in
 * `--paths`.
 */
const DEFAULT_PATHS: PathName[] = ['direct', 'haproxy', 'gateway', 'floor'];

export interface Shape {
  name: string;
  connections: number;
  /** closed loop: outstanding per connection; 0 for open loop. */
  window: number;
  /** open loop: requests per second over all connections; 0 for closed loop. */
  rate: number;
}

/** The shapes: connections × window closed loop, then open loop over 8 connections. */
export const SHAPES: readonly Shape[] = [
  { name: '1x1', connections: 1, window: 1, rate: 0 },
  { name: '64x1', connections: 64, window: 1, rate: 0 },
  { name: '8x32', connections: 8, window: 32, rate: 0 },
  { name: '5k/s', connections: 8, window: 0, rate: 5000 },
  { name: '20k/s', connections: 8, window: 0, rate: 20000 },
];

export interface BenchOptions {
  /** measured seconds per cell (after `warmup`). */
  seconds: number;
  warmup: number;
  /** times the whole matrix runs; the table shows per-cell medians. */
  repeat: number;
  /** seconds to watch the gateway's RSS settle after the last cell (item 4). */
  idleWait: number;
  /** simulator processes (1: both INSUPC instances in one; 2: one instance each). */
  simulators: number;
  pool: number;
  framing: string;
  paths: PathName[];
  shapes: Shape[];
  cpuProf: boolean;
  traceGc: boolean;
  /** preload scripts/bench-probe.js into the gateway: loop delay, GC, timers, read handlers. */
  probe: boolean;
  /** extra node flags for the gateway (e.g. --max-semi-space-size=16). */
  gatewayNodeArgs: string[];
  /** JSON result file; default bench/results/<timestamp>.json. */
  out: string | undefined;
  label: string;
}

export const BENCH_USAGE =
  'usage: npm run bench -- [--quick] [--seconds 5 --warmup 2 --repeat 3 --idle-wait 60] ' +
  '[--paths direct,haproxy,gateway,floor[,gateway-tls,ideal]] [--shapes 1x1,64x1,8x32,5k/s,20k/s] [--simulators 2] ' +
  '[--pool 2] [--framing json-stream] [--probe] [--cpu-prof] [--trace-gc] ' +
  '[--node-arg --max-semi-space-size=16]... [--label text] [--out file.json]';

export function parseBenchArgs(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const o: BenchOptions = {
    seconds: quick ? 1 : 5,
    warmup: quick ? 0.5 : 2,
    repeat: quick ? 1 : 3,
    idleWait: quick ? 3 : 60,
    simulators: 2,
    pool: 2,
    framing: 'json-stream',
    paths: [...DEFAULT_PATHS],
    shapes: [...SHAPES],
    cpuProf: false,
    traceGc: false,
    probe: false,
    gatewayNodeArgs: [],
    out: undefined,
    label: quick ? 'quick' : '',
  };
  const flags: Record<string, () => void> = {
    '--quick': () => undefined,
    '--cpu-prof': () => (o.cpuProf = true),
    '--trace-gc': () => (o.traceGc = true),
    '--probe': () => (o.probe = true),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (flags[a]) {
      flags[a]();
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`missing value for ${a}\n${BENCH_USAGE}`);
    const num = (min: number): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < min) throw new Error(`${a} must be a number >= ${min}`);
      return n;
    };
    switch (a) {
      case '--seconds':
        o.seconds = num(0.1);
        break;
      case '--warmup':
        o.warmup = num(0);
        break;
      case '--repeat':
        o.repeat = Math.floor(num(1));
        break;
      case '--idle-wait':
        o.idleWait = num(0);
        break;
      case '--simulators':
        o.simulators = Math.min(2, Math.floor(num(1)));
        break;
      case '--pool':
        o.pool = Math.floor(num(1));
        break;
      case '--framing':
        o.framing = v;
        break;
      case '--paths':
        o.paths = v.split(',').map((p) => {
          if (!(PATHS as readonly string[]).includes(p)) throw new Error(`unknown path ${p}`);
          return p as PathName;
        });
        break;
      case '--shapes':
        o.shapes = v.split(',').map((name) => {
          const s = SHAPES.find((x) => x.name === name);
          if (!s) throw new Error(`unknown shape ${name} (${SHAPES.map((x) => x.name)})`);
          return s;
        });
        break;
      case '--node-arg':
        o.gatewayNodeArgs.push(v);
        break;
      case '--out':
        o.out = v;
        break;
      case '--label':
        o.label = v;
        break;
      default:
        throw new Error(`unknown flag ${a}\n${BENCH_USAGE}`);
    }
  }
  return o;
}
