/**
 * `node dist/src/main.js config check [F]` and `config migrate F` (operations spec §6.5).
 * check: loads F as start-up would (aliases, env overrides, every rule) and exits 0, or 1
 * with every problem listed. migrate: prints F with the original service's keys rewritten
 * to the keys used here (comments are not kept); the alias warnings go to stderr. Neither
 * prints a secret (operations spec §8.3): migrate leaves each secret value out and says which
 * keys to set again (or to give as `<key>-file`).
 */
import * as yaml from 'js-yaml';
import { camelizeKeys } from './config-env';
import { ConfigError } from './config-errors';
import { isPlainObject } from './config-env';
import { camelToKebab, configTree, secretPaths } from './config-model';
import {
  loadConfig,
  parseYamlMap,
  readConfigFile,
  resolveConfigPath,
  validateConfig,
} from './config.loader';
import { applyLegacyAliases } from './legacy-aliases';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

const USAGE = 'usage: main.js config check [FILE | --config FILE] | config migrate FILE';

/** The positional file, else `--config F`, else INSUPCLIENT_CONFIG, else the default. */
function fileArg(args: readonly string[], env: NodeJS.ProcessEnv): string {
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--config');
  return positional[0] ?? resolveConfigPath(args, env);
}

function reportProblems(io: CliIo, path: string, e: unknown): number {
  if (!(e instanceof ConfigError)) throw e;
  io.err(`${path}: ${e.problems.length} problem(s)`);
  for (const p of e.problems) io.err(`  - ${p}`);
  return 1;
}

function check(path: string, io: CliIo): number {
  try {
    const { warnings } = loadConfig(path, io.env);
    for (const w of warnings) io.err(`WARN ${w}`);
    io.out(`${path}: OK`);
    return 0;
  } catch (e) {
    return reportProblems(io, path, e);
  }
}

/** Top-level sections in the order of the reference (a moved alias lands in place). */
function inSectionOrder(tree: Record<string, unknown>): Record<string, unknown> {
  const order = configTree().map((s) => camelToKebab(s.property));
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(tree).sort(([a], [b]) => rank(a) - rank(b)));
}

/** A copy of the kebab-case tree without its secret values, and the keys left out. */
export function withoutSecrets(tree: Record<string, unknown>): {
  tree: Record<string, unknown>;
  removed: string[];
} {
  const secrets = secretPaths();
  const removed: string[] = [];
  const walk = (node: unknown, pattern: string, shown: string): unknown => {
    if (Array.isArray(node)) return node.map((el, i) => walk(el, `${pattern}[]`, `${shown}[${i}]`));
    if (!isPlainObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const p = pattern ? `${pattern}.${k}` : k;
      const s = shown ? `${shown}.${k}` : k;
      if (secrets.has(p) && v !== '' && v !== null && v !== undefined) removed.push(s);
      else out[k] = walk(v, p, s);
    }
    return out;
  };
  return { tree: walk(tree, '', '') as Record<string, unknown>, removed };
}

function migrate(path: string, io: CliIo): number {
  try {
    const { tree, warnings } = applyLegacyAliases(parseYamlMap(readConfigFile(path), path));
    for (const w of warnings) io.err(`WARN ${w}`);
    const printable = withoutSecrets(tree);
    for (const key of printable.removed) {
      io.err(`WARN ${key}: a secret, left out of the output: set it again, or give ${key}-file`);
    }
    io.out(`# migrated from ${path} by "config migrate": the original's keys renamed`);
    io.out(yaml.dump(inSectionOrder(printable.tree), { lineWidth: 100 }).trimEnd());
    // Only the file: environment overrides are the deployment's business, not the file's.
    validateConfig(camelizeKeys(tree) as Record<string, unknown>);
    return 0;
  } catch (e) {
    return reportProblems(io, path, e);
  }
}

/** Runs `config <sub> ...`; returns the process exit code. */
export function runConfigCommand(args: readonly string[], io: CliIo): number {
  const [sub, ...rest] = args;
  const path = fileArg(rest, io.env);
  if (sub === 'check') return check(path, io);
  if (sub === 'migrate' && rest.length > 0) return migrate(path, io);
  io.err(USAGE);
  return 2;
}
