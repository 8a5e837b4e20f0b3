/**
 * The config keys as one tree, read from the `@Key` decorators of {@link AppConfig}: every
 * list the gateway needs about its keys (secrets, hot keys, verbatim maps) is derived here.
 */
import { getMetadataStorage } from 'class-validator';
import { ConfigClass, KeyOptions, keysOf } from './config-key';
import { AppConfig } from './config.schema';

export interface KeyNode {
  /** camelCase path segments from the root (`['tcp', 'server', 'maxConnections']`). */
  path: string[];
  /** the operator's spelling: `tcp.server.max-connections`, `insupc.clients[].host`. */
  yaml: string;
  property: string;
  options: KeyOptions;
  /** the initialiser's value; undefined for a required or optional key without one. */
  defaultValue: unknown;
  /** the class the key belongs to (for its validators). */
  owner: ConfigClass;
  /** keys of a section, or of each element of a list. */
  children: KeyNode[];
}

export const camelToKebab = (key: string): string =>
  key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function nodesOf(cls: new () => object, path: string[], yaml: string): KeyNode[] {
  const defaults = new cls() as Record<string, unknown>;
  return keysOf(cls).map(({ property, options }) => {
    const nodePath = [...path, property];
    const nodeYaml = `${yaml ? `${yaml}.` : ''}${camelToKebab(property)}`;
    const nested = options.section ?? options.items;
    const childYaml = options.items ? `${nodeYaml}[]` : nodeYaml;
    return {
      path: nodePath,
      yaml: nodeYaml,
      property,
      options,
      defaultValue: defaults[property],
      owner: cls,
      children: nested ? nodesOf(nested(), options.items ? [] : nodePath, childYaml) : [],
    };
  });
}

let tree: KeyNode[] | undefined;

/** The top-level sections of the config, each with its keys. */
export function configTree(): KeyNode[] {
  return (tree ??= nodesOf(AppConfig, [], ''));
}

/** Every key, depth first (sections and lists too, before their keys). */
export function allKeys(nodes: KeyNode[] = configTree()): KeyNode[] {
  return nodes.flatMap((n) => [n, ...allKeys(n.children)]);
}

/** YAML paths (`[]` = any element) whose value never appears in a message. */
export const secretPaths = (): Set<string> =>
  new Set(
    allKeys()
      .filter((k) => k.options.secret)
      .map((k) => k.yaml),
  );

/** camelCase property names of the secret keys, redacted wherever they appear in a value. */
export const secretFields = (): Set<string> =>
  new Set(
    allKeys()
      .filter((k) => k.options.secret)
      .map((k) => k.property),
  );

/** camelCase dotted paths of the maps whose keys are the operator's (never camelCased). */
export const verbatimPaths = (): Set<string> =>
  new Set(
    allKeys()
      .filter((k) => k.options.verbatim)
      .map((k) => k.path.join('.')),
  );

/** The hot-reloadable keys (top-level sections only: list elements are not addressable). */
export const hotKeys = (): KeyNode[] =>
  allKeys().filter((k) => k.options.hot && !k.yaml.includes('[]'));

/** The validator names and constraints class-validator holds for a key. */
export function validatorsOf(node: KeyNode): { name: string; constraints: unknown[] }[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(node.owner, '', true, false)
    .filter((m) => m.propertyName === node.property && m.name)
    .map((m) => ({ name: m.name!, constraints: m.constraints ?? [] }));
}
