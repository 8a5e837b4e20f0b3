/**
 * Loads the gateway's YAML config, applies environment overrides, and validates it into
 * an {@link AppConfig}. Pure functions apart from {@link loadConfigFile}'s one file read,
 * so every rule here is unit-tested without a process.
 *
 * File choice: `--config <path>`, else `INSUPCLIENT_CONFIG`, else `config/insupclient.yaml`.
 * Env overrides: `INSUPCLIENT_` + the key's YAML path upper-cased with `.` and `-` as `_`,
 * e.g. `INSUPCLIENT_TCP_SERVER_PORT=15021`, `INSUPCLIENT_TCP_SERVER_MAX_CONNECTIONS=10`.
 * A key whose default is a string takes the text literally (`0123` stays `"0123"`, an empty
 * value turns an optional file/url/token off); every other key is parsed as YAML, so lists
 * and maps can be given as JSON:
 * `INSUPCLIENT_INSUPC_CLIENTS='[{"name":"INSUPC-1","host":"10.0.0.5","port":19000}]'`.
 * A refused override names its variable: `INSUPCLIENT_TPS_MAX_TPS (tps.max-tps): ...`.
 */
import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import * as yaml from 'js-yaml';
import { segwConfigProblems } from '../segw/swanctl-connection';
import { AppConfig } from './config.schema';

export const DEFAULT_CONFIG_PATH = 'config/insupclient.yaml';
export const ENV_PREFIX = 'INSUPCLIENT_';

/** Keys whose values never appear in an error message (YAML paths, `[]` = any element). */
const SECRET_PATHS = new Set([
  'security.admin-token',
  'security.allowed-clients[].auth-key',
  'insupc.logon.password',
  'segw.secrets[].secret',
]);
/** The same keys' camelCase names, redacted wherever they appear inside a refused value. */
const SECRET_FIELDS = new Set(['adminToken', 'authKey', 'password', 'secret']);
const REDACTED = '<redacted>';

/** Maps whose keys are names chosen by the operator (passed to strongSwan as they are). */
const VERBATIM_PATHS = new Set(['segw.connections']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Plain = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const kebabToCamel = (key: string): string =>
  key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export const camelToKebab = (key: string): string =>
  key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `--config <path>` / `--config=<path>`, else INSUPCLIENT_CONFIG, else the default. */
export function resolveConfigPath(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config' && argv[i + 1]) return argv[i + 1];
    if (argv[i].startsWith('--config=')) return argv[i].slice('--config='.length);
  }
  return env.INSUPCLIENT_CONFIG || DEFAULT_CONFIG_PATH;
}

/** Deep-converts kebab-case keys to camelCase, leaving operator-named maps untouched. */
export function camelizeKeys(value: unknown, path = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => camelizeKeys(v, path));
  if (!isPlainObject(value) || VERBATIM_PATHS.has(path)) return value;
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
  const walk = (node: unknown, path: string[]) => {
    if (isPlainObject(node) && !VERBATIM_PATHS.has(path.join('.'))) {
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
    throw new ConfigError([`${where}: not valid YAML/JSON (${reason ?? 'syntax error'}${at})`]);
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

function yamlPath(camelPath: string): string {
  return camelPath
    .split('.')
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${camelToKebab(seg)}`))
    .join('')
    .slice(1);
}

/** The refused value as JSON, with secrets (the value itself or fields inside it) redacted. */
function showValue(camelPath: string, value: unknown): string {
  if (SECRET_PATHS.has(yamlPath(camelPath).replace(/\[\d+\]/g, '[]'))) return REDACTED;
  return JSON.stringify(value, (k, v: unknown) => (SECRET_FIELDS.has(k) ? REDACTED : v));
}

/** `tps.max-tps`, or `INSUPCLIENT_TPS_MAX_TPS (tps.max-tps)` when a variable set that key. */
function describeKey(key: string, sources: ReadonlyMap<string, string>): string {
  for (const [source, name] of sources) {
    if (key === source || key.startsWith(`${source}.`) || key.startsWith(`${source}[`)) {
      return `${name} (${key})`;
    }
  }
  return key;
}

function flattenErrors(
  errors: ValidationError[],
  sources: ReadonlyMap<string, string>,
  parent = '',
): string[] {
  const out: string[] = [];
  for (const err of errors) {
    const path = parent ? `${parent}.${err.property}` : err.property;
    const key = describeKey(yamlPath(path), sources);
    for (const msg of Object.values(err.constraints ?? {})) {
      // class-validator starts messages with the camelCase property; say the YAML key instead.
      const reason = msg.startsWith(err.property) ? msg.slice(err.property.length).trim() : msg;
      out.push(`${key}: ${reason} (got ${showValue(path, err.value)})`);
    }
    out.push(...flattenErrors(err.children ?? [], sources, path));
  }
  return out;
}

/**
 * Validates an already camelCased plain object into an AppConfig, or throws ConfigError.
 * `sources` (from {@link envSources}) makes problems name the variable that set the key.
 */
export function validateConfig(
  camelized: Plain,
  sources: ReadonlyMap<string, string> = new Map(),
): AppConfig {
  const config = plainToInstance(AppConfig, camelized);
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new ConfigError(flattenErrors(errors, sources));
  // Cross-key rules of the SEGW section (swanctl semantics, connection references).
  const problems = segwConfigProblems(config);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Parses YAML text (kebab-case keys), applies env overrides, validates. */
export function parseConfig(
  yamlText: string,
  env: NodeJS.ProcessEnv = {},
  source = 'config',
): AppConfig {
  let raw: unknown;
  try {
    raw = yaml.load(yamlText) ?? {};
  } catch (e) {
    throw new ConfigError([`${source}: not valid YAML (${(e as Error).message})`]);
  }
  if (!isPlainObject(raw)) throw new ConfigError([`${source}: the top level must be a map`]);
  return validateConfig(applyEnvOverrides(camelizeKeys(raw) as Plain, env), envSources(env));
}

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): AppConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`cannot read config file ${path}: ${(e as Error).message}`]);
  }
  return parseConfig(text, env, path);
}
