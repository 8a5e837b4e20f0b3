/**
 * Which config keys a reload may change in the running gateway, and how. Hot keys are read
 * by their users at use time from the one live AppConfig object, so applying them is an
 * in-place assignment; every other difference needs a restart and is only reported.
 */
import { camelToKebab, hotKeys, verbatimPaths } from '../config/config-model';
import { AppConfig } from '../config/config.schema';

/** One hot key (`@Key({ hot: true })`): read and assigned through its path. */
interface HotKey {
  /** camelCase dotted path, as diffPaths reports it. */
  path: string;
  /** the operator's spelling. */
  yaml: string;
  read(c: AppConfig): unknown;
  apply(live: AppConfig, fresh: AppConfig): void;
}

function hotKey(segments: string[], yaml: string): HotKey {
  const parentOf = (c: AppConfig): Record<string, unknown> =>
    segments
      .slice(0, -1)
      .reduce<Record<string, unknown>>(
        (node, seg) => node[seg] as Record<string, unknown>,
        c as unknown as Record<string, unknown>,
      );
  const leaf = segments[segments.length - 1];
  return {
    path: segments.join('.'),
    yaml,
    read: (c) => parentOf(c)[leaf],
    apply: (live, fresh) => (parentOf(live)[leaf] = parentOf(fresh)[leaf]),
  };
}

export const HOT_RELOAD_KEYS: readonly HotKey[] = hotKeys().map((k) => hotKey(k.path, k.yaml));

const HOT_PATHS = new Set(HOT_RELOAD_KEYS.map((k) => k.path));
const VERBATIM = verbatimPaths();

/** `tcp.server.maxConnections` → `tcp.server.max-connections` (the operator's spelling). */
export const yamlKey = (camelPath: string): string =>
  camelPath.split('.').map(camelToKebab).join('.');

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export interface ReloadOutcome {
  /** hot keys whose value changed and now apply (YAML spelling). */
  applied: string[];
  /** other keys that differ from the running config; they apply after a restart. */
  restartRequired: string[];
}

/** Applies the hot keys of `fresh` onto `live` in place and lists what differed. */
export function applyHotReload(live: AppConfig, fresh: AppConfig): ReloadOutcome {
  const restartRequired = diffPaths(live, fresh, '').filter((p) => !HOT_PATHS.has(p));
  const applied: string[] = [];
  for (const key of HOT_RELOAD_KEYS) {
    if (same(key.read(live), key.read(fresh))) continue;
    key.apply(live, fresh);
    applied.push(key.yaml);
  }
  return { applied, restartRequired: restartRequired.map(yamlKey) };
}

/** Leaf paths (arrays count as leaves) where two config trees differ. */
function diffPaths(a: unknown, b: unknown, path: string): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b) && !VERBATIM.has(path)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return same(a, b) ? [] : [path];
}
