/** The command-line reading both load generators share: `--flag value` pairs, `--json`, the load's shape. */

/** reads flags once each; `done()` throws on any flag left unread. */
export interface ArgReader {
  json: boolean;
  str(name: string, dflt: string): string;
  num(name: string, dflt: number, min?: number): number;
  done(): void;
}

export function readArgs(argv: string[], usage: string): ArgReader {
  const given = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      json = true;
      continue;
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${usage}`);
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
  const done = (): void => {
    if (given.size > 0) throw new Error(`unknown flag --${[...given.keys()][0]}\n${usage}`);
  };
  return { json, str, num, done };
}

/** the load's shape and the query sent, as both generators take them. */
export function readLoadShape(r: ArgReader) {
  return {
    connections: Math.floor(r.num('connections', 4, 1)),
    window: Math.floor(r.num('window', 32, 1)),
    rate: r.num('rate', 0),
    duration: r.num('duration', 0),
    count: Math.floor(r.num('count', 0)),
    warmup: r.num('warmup', 0),
    drainTimeout: r.num('drain-timeout', 10),
    api: r.str('api', 'mcidGetProfile'),
    params: r
      .str('params', '01012345678')
      .split(',')
      .filter((p) => p !== ''),
  };
}

/** after every flag is read: 10 s when neither length is given; loopback targets only. */
export function finishLoadOptions<T extends { host: string; duration: number; count: number }>(
  r: ArgReader,
  o: T,
): T {
  r.done();
  if (o.duration === 0 && o.count === 0) o.duration = 10;
  if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') {
    throw new Error('--host must be a loopback address (127.0.0.1, localhost, ::1)');
  }
  return o;
}
