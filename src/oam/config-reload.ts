/**
 * Which config keys a reload may change in the running gateway, and how. Hot keys are read
 * by their users at use time from the one live AppConfig object, so applying them is an
 * in-place assignment; every other difference needs a restart and is only reported.
 */
import { camelToKebab } from '../config/config.loader';
import { AppConfig } from '../config/config.schema';

interface HotKey {
  path: string;
  apply(live: AppConfig, fresh: AppConfig): void;
  read(c: AppConfig): unknown;
}

export const HOT_RELOAD_KEYS: readonly HotKey[] = [
  {
    path: 'security.allowedClients',
    read: (c) => c.security.allowedClients,
    apply: (l, f) => (l.security.allowedClients = f.security.allowedClients),
  },
  {
    path: 'security.adminToken',
    read: (c) => c.security.adminToken,
    apply: (l, f) => (l.security.adminToken = f.security.adminToken),
  },
  { path: 'tps.maxTps', read: (c) => c.tps.maxTps, apply: (l, f) => (l.tps.maxTps = f.tps.maxTps) },
  {
    path: 'tps.windowSize',
    read: (c) => c.tps.windowSize,
    apply: (l, f) => (l.tps.windowSize = f.tps.windowSize),
  },
  {
    path: 'message.maxSessions',
    read: (c) => c.message.maxSessions,
    apply: (l, f) => (l.message.maxSessions = f.message.maxSessions),
  },
  {
    path: 'message.sessionTimeout',
    read: (c) => c.message.sessionTimeout,
    apply: (l, f) => (l.message.sessionTimeout = f.message.sessionTimeout),
  },
  {
    path: 'tcp.server.maxConnections',
    read: (c) => c.tcp.server.maxConnections,
    apply: (l, f) => (l.tcp.server.maxConnections = f.tcp.server.maxConnections),
  },
  {
    path: 'logging.insupcFrames',
    read: (c) => c.logging.insupcFrames,
    apply: (l, f) => (l.logging.insupcFrames = f.logging.insupcFrames),
  },
];

const HOT_PATHS = new Set(HOT_RELOAD_KEYS.map((k) => k.path));

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
    applied.push(yamlKey(key.path));
  }
  return { applied, restartRequired: restartRequired.map(yamlKey) };
}

/** Leaf paths (arrays count as leaves) where two config trees differ. */
function diffPaths(a: unknown, b: unknown, path: string): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b) && !(path === 'segw.connections')) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return same(a, b) ? [] : [path];
}
