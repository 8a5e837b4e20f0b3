/**
 * Environment overrides: `INSUPCLIENT_` + the key's YAML path upper-cased with `.` and `-`
 * as `_`, e.g. `INSUPCLIENT_TCP_SERVER_PORT=15021`. A key whose default is a string takes
 * the text literally (`0123` stays `"0123"`, an empty value turns an optional
 * file/url/token off); every other key is parsed as YAML, so lists and maps can be given as
 * JSON: `INSUPCLIENT_INSUPC_CLIENTS='[{"name":"INSUPC-1","host":"10.0.0.5","port":19000}]'`.
 */
import * as yaml from 'js-yaml';
import { ConfigError, yamlPath, yamlReason } from './config-errors';
import { camelToKebab, verbatimPaths } from './config-model';
import { AppConfig } from './config.schema';

export const ENV_PREFIX = 'INSUPCLIENT_';

type Plain = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const kebabToCamel = (key: string): string =>
  key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Deep-converts kebab-case keys to camelCase, leaving operator-named maps untouched. */
export function camelizeKeys(value: unknown, path = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => camelizeKeys(v, path));
  if (!isPlainObject(value) || verbatimPaths().has(path)) return value;
  const out: Plain = {};
  for (const [k, v] of Object.entries(value)) {
    const key = kebabToCamel(k);
    out[key] = camelizeKeys(v, path ? `${path}.${key}` : key);
  }
  return out;
}

/** One overridable key: its environment variable and camelCase path in the config tree. */
export interface EnvOverrideKey {
  name: string;
  path: string[];
  /** the default is a string, so the variable's text is taken literally (never as YAML). */
  literal: boolean;
}

/** Every overridable key: the leaves of the default tree. */
export function envOverrideKeys(): EnvOverrideKey[] {
  const keys: EnvOverrideKey[] = [];
  const verbatim = verbatimPaths();
  const walk = (node: unknown, path: string[]) => {
    if (isPlainObject(node) && !verbatim.has(path.join('.'))) {
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
      return;
    }
    const name =
      ENV_PREFIX + path.map((p) => camelToKebab(p).replace(/-/g, '_').toUpperCase()).join('_');
    keys.push({ name, path, literal: typeof node === 'string' });
  };
  walk(JSON.parse(JSON.stringify(new AppConfig())), []);
  return keys;
}

/** YAML path (`insupc.clients`) → the variable that set it, for the variables present in env. */
export function envSources(env: NodeJS.ProcessEnv): Map<string, string> {
  const sources = new Map<string, string>();
  for (const { name, path } of envOverrideKeys()) {
    if (env[name] !== undefined) sources.set(yamlPath(path.join('.')), name);
  }
  return sources;
}

function parseEnvValue(key: EnvOverrideKey, text: string): unknown {
  if (key.literal) return text;
  const where = `${key.name} (${yamlPath(key.path.join('.'))})`;
  if (text.trim() === '') throw new ConfigError([`${where}: empty value (expected a value)`]);
  try {
    return yaml.load(text);
  } catch (e) {
    // The reason and position only: js-yaml's message quotes the text, which may hold a secret.
    const { reason, mark } = e as yaml.YAMLException;
    const at = mark ? ` at column ${mark.column + 1}` : '';
    throw new ConfigError([`${where}: not valid YAML/JSON (${yamlReason(reason)}${at})`]);
  }
}

export function applyEnvOverrides(raw: Plain, env: NodeJS.ProcessEnv): Plain {
  const out = structuredClone(raw);
  for (const key of envOverrideKeys()) {
    const text = env[key.name];
    if (text === undefined) continue;
    const value = parseEnvValue(key, text);
    const { path } = key;
    let node = out;
    for (const seg of path.slice(0, -1)) {
      if (!isPlainObject(node[seg])) node[seg] = {};
      node = node[seg] as Plain;
    }
    node[path[path.length - 1]] = camelizeKeys(value, path.join('.'));
  }
  return out;
}
