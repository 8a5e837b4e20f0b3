/**
 * Loads the gateway's YAML config: the original's key names rewritten (legacy-aliases.ts),
 * environment overrides applied (config-env.ts), every key validated (class-validator on
 * config.schema.ts), then the cross-field rules (config-rules.ts). Pure functions apart
 * from {@link readConfigFile}'s one file read, so every rule is unit-tested without a process.
 *
 * File choice: `--config <path>`, else `INSUPCLIENT_CONFIG`, else `config/insupclient.yaml`.
 * A refused key names its variable when one set it: `INSUPCLIENT_TPS_MAX_TPS (tps.max-tps): ...`.
 */
import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import * as yaml from 'js-yaml';
import { applyEnvOverrides, camelizeKeys, envSources, isPlainObject } from './config-env';
import { ConfigError, flattenErrors, yamlSyntaxProblem } from './config-errors';
import { checkConfigRules } from './config-rules';
import { AppConfig } from './config.schema';
import { applyLegacyAliases } from './legacy-aliases';
import { resolveSecretFiles } from './secret-files';

export { ConfigError } from './config-errors';
export { camelToKebab } from './config-model';
export {
  applyEnvOverrides,
  camelizeKeys,
  ENV_PREFIX,
  envOverrideKeys,
  envSources,
  kebabToCamel,
  type EnvOverrideKey,
} from './config-env';

export const DEFAULT_CONFIG_PATH = 'config/insupclient.yaml';

type Plain = Record<string, unknown>;

/** A validated config and the warnings its file deserves (original key names used). */
export interface LoadedConfig {
  config: AppConfig;
  warnings: string[];
}

/** `--config <path>` / `--config=<path>`, else INSUPCLIENT_CONFIG, else the default. */
export function resolveConfigPath(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config' && argv[i + 1]) return argv[i + 1];
    if (argv[i].startsWith('--config=')) return argv[i].slice('--config='.length);
  }
  return env.INSUPCLIENT_CONFIG || DEFAULT_CONFIG_PATH;
}

/**
 * Validates an already camelCased plain object into an AppConfig with the rules' warnings,
 * or throws ConfigError with every problem. `sources` (from envSources) makes problems name
 * the variable that set the key.
 */
export function validateConfigWithWarnings(
  camelized: Plain,
  sources: ReadonlyMap<string, string> = new Map(),
): LoadedConfig {
  const config = plainToInstance(AppConfig, resolveSecretFiles(camelized));
  const invalid = validateSync(config, { whitelist: true, forbidNonWhitelisted: true });
  if (invalid.length) throw new ConfigError(flattenErrors(invalid, sources));
  const { errors, warnings } = checkConfigRules(config);
  if (errors.length) throw new ConfigError(errors);
  return { config, warnings };
}

export function validateConfig(
  camelized: Plain,
  sources: ReadonlyMap<string, string> = new Map(),
): AppConfig {
  return validateConfigWithWarnings(camelized, sources).config;
}

/** The YAML text as a map (kebab-case keys, as written), or ConfigError. */
export function parseYamlMap(yamlText: string, source = 'config'): Plain {
  let raw: unknown;
  try {
    raw = yaml.load(yamlText) ?? {};
  } catch (e) {
    throw new ConfigError([yamlSyntaxProblem(e, source)]);
  }
  if (!isPlainObject(raw)) throw new ConfigError([`${source}: the top level must be a map`]);
  return raw;
}

/** Parses YAML text (kebab-case keys), rewrites aliases, applies env overrides, validates. */
export function parseConfigWithWarnings(
  yamlText: string,
  env: NodeJS.ProcessEnv = {},
  source = 'config',
): LoadedConfig {
  const { tree, warnings } = applyLegacyAliases(parseYamlMap(yamlText, source));
  const withEnv = applyEnvOverrides(camelizeKeys(tree) as Plain, env);
  const loaded = validateConfigWithWarnings(withEnv, envSources(env));
  return { config: loaded.config, warnings: [...warnings, ...loaded.warnings] };
}

export function parseConfig(
  yamlText: string,
  env: NodeJS.ProcessEnv = {},
  source = 'config',
): AppConfig {
  return parseConfigWithWarnings(yamlText, env, source).config;
}

export function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`cannot read config file ${path}: ${(e as Error).message}`]);
  }
}

export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return parseConfigWithWarnings(readConfigFile(path), env, path);
}

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(path, env).config;
}
