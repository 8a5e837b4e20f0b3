/**
 * `<key>-file` for every secret key (operations spec §8.3): the secret is read from a file
 * (a Kubernetes Secret or a container secret mounted as a file), its one trailing newline
 * removed. Resolved on the camelCase tree before validation, at start-up, by `config check`
 * and on every reload (so a rotated Secret applies on reload). A file that cannot be read is
 * a problem naming the key and the path, never the content.
 */
import { readFileSync } from 'node:fs';
import { isPlainObject } from './config-env';
import { ConfigError } from './config-errors';
import { camelToKebab, configTree, KeyNode } from './config-model';

type Plain = Record<string, unknown>;

/** Reads one secret file; a seam for the unit specs. */
export type SecretFileReader = (path: string) => string;

const readSecretFile: SecretFileReader = (path) => readFileSync(path, 'utf8');

/** The file's content without its trailing newline (`echo token > file` writes one). */
export const secretFromFileText = (text: string): string => text.replace(/\r?\n$/, '');

/** `adminToken` → `adminTokenFile`: the property of a secret key's file key. */
export const fileProperty = (property: string): string => `${property}File`;

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

function resolveIn(
  nodes: readonly KeyNode[],
  data: unknown,
  prefix: string,
  read: SecretFileReader,
  problems: string[],
): void {
  if (!isPlainObject(data)) return;
  for (const node of nodes) {
    const key = `${prefix}${camelToKebab(node.property)}`;
    const value = data[node.property];
    if (node.options.items) {
      if (Array.isArray(value)) {
        value.forEach((el, i) => resolveIn(node.children, el, `${key}[${i}].`, read, problems));
      }
    } else if (node.options.section) {
      resolveIn(node.children, value, `${key}.`, read, problems);
    } else if (node.options.secret) {
      resolveOne(data, node.property, key, read, problems);
    }
  }
}

function resolveOne(
  data: Plain,
  property: string,
  key: string,
  read: SecretFileReader,
  problems: string[],
) {
  const path = data[fileProperty(property)];
  if (typeof path !== 'string' || path === '') return;
  if (isSet(data[property])) {
    problems.push(`${key} and ${key}-file are both set: give one of them`);
    return;
  }
  try {
    data[property] = secretFromFileText(read(path));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`${key}-file: cannot read ${path} (${why})`);
  }
}

/**
 * A copy of `camelized` with every `<key>-file` read into its secret key, or ConfigError
 * listing every file that could not be used.
 */
export function resolveSecretFiles(
  camelized: Plain,
  read: SecretFileReader = readSecretFile,
): Plain {
  const out = structuredClone(camelized);
  const problems: string[] = [];
  resolveIn(configTree(), out, '', read, problems);
  if (problems.length) throw new ConfigError(problems);
  return out;
}
