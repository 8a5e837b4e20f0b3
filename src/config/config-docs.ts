/**
 * Renders the shipped `config/insupclient.yaml` and the key reference in
 * `docs/configuration.md` (the part between its BEGIN/END GENERATED markers; the prose
 * around it is written by hand) from the config classes (`@Key` and the class-validator
 * decorators), so neither can drift from what the loader accepts. `npm run config:docs`
 * writes them; `config-docs.spec.ts` fails when a checked-in copy differs.
 */
import * as yaml from 'js-yaml';
import { camelToKebab, configTree, hotKeys, KeyNode, validatorsOf } from './config-model';

const GENERATED =
  'Generated from src/config (the @Key decorators) by `npm run config:docs`: do not edit.';
const BEGIN = `<!-- BEGIN GENERATED: ${GENERATED.replace(': do not edit.', '')}; edit the config classes, not this part -->`;
const END = '<!-- END GENERATED -->';

const isList = (k: KeyNode) => Boolean(k.options.items);
const isSection = (k: KeyNode) => Boolean(k.options.section);

/** `integer 1–65535`, `duration ≥ 1 ms`, `json-stream \| length-prefixed`, ... */
export function typeOf(k: KeyNode): string {
  if (k.options.type) return k.options.type;
  if (isList(k)) return 'list';
  const v = new Map(validatorsOf(k).map((x) => [x.name, x.constraints]));
  if (v.has('isIn')) return (v.get('isIn')![0] as string[]).join(' \\| ');
  if (v.has('isBoolean')) return 'boolean';
  if (v.has('isUrl')) return 'http(s) URL or ""';
  if (v.has('isString')) return v.has('minLength') ? 'string, not empty' : 'string';
  const min = v.get('min')?.[0];
  const max = v.get('max')?.[0];
  const range = max !== undefined ? ` ${min}–${max}` : min !== undefined ? ` ≥ ${min}` : '';
  if (k.options.ms) return `ms${range} or a duration (500ms, 30s, 5m, 1h)`;
  if (v.has('isInt')) return `integer${range}`;
  if (v.has('isObject')) return 'map';
  return `number${range}`;
}

function showDefault(k: KeyNode): string {
  if (k.defaultValue === undefined) {
    return validatorsOf(k).some((v) => v.name === 'isOptional') ? '(none)' : '(required)';
  }
  return `\`${JSON.stringify(k.defaultValue)}\``;
}

/** Rows for `nodes`; the keys of a hot list's elements are hot with it. */
function referenceRows(nodes: KeyNode[], hotList = false): string[] {
  return nodes.flatMap((k) => {
    if (isSection(k)) return referenceRows(k.children);
    const hot = hotList || Boolean(k.options.hot);
    const doc = k.options.secret
      ? `${k.options.doc} (secret: never shown in errors)`
      : k.options.doc;
    const row = `| \`${k.yaml}\` | ${typeOf(k)} | ${showDefault(k)} | ${hot ? 'yes' : 'no'} | ${doc.replace(/\|/g, '\\|')} |`;
    return [row, ...referenceRows(k.children, hot)];
  });
}

/** The generated part of docs/configuration.md: the hot keys, then every key by section. */
function referenceBody(): string[] {
  const out = [
    BEGIN,
    '',
    '## Hot-reloadable keys',
    '',
    'The reload action (`POST /insupclient/v1/config/actions/reload`) applies these at once',
    '(their users read them at each use); every other key needs a restart, and the reload',
    'answer lists the changed ones under `restartRequired` (and logs them):',
    '',
    ...hotKeys().map((k) => `- \`${k.yaml}\``),
    '',
    '## Key reference',
    '',
    'Every key of `config/insupclient.yaml` with its type, default, whether the reload action',
    'applies it without a restart ("hot"), and what it does. `[]` stands for every element of a',
    'list.',
  ];
  for (const section of configTree()) {
    out.push('', `### \`${section.yaml}\`: ${section.options.doc}`, '');
    out.push('| key | type | default | hot | description |', '|---|---|---|---|---|');
    out.push(...referenceRows(section.children));
  }
  out.push('', END);
  return out;
}

/**
 * `current` (the checked-in docs/configuration.md) with its generated part rendered anew;
 * the hand-written text before and after the markers is kept as it is.
 */
export function renderConfigReference(current: string): string {
  const begin = current.indexOf('<!-- BEGIN GENERATED');
  const end = current.indexOf(END);
  if (begin < 0 || end < begin) {
    throw new Error(`docs/configuration.md: no BEGIN/END GENERATED markers (${END})`);
  }
  return `${current.slice(0, begin)}${referenceBody().join('\n')}${current.slice(end + END.length)}`;
}

/** A scalar or empty collection in YAML flow style; strings in double quotes when quoted. */
function flow(value: unknown): string {
  if (typeof value === 'string') {
    const plain = yaml.dump(value).trim();
    return plain.startsWith("'") || plain === '' ? JSON.stringify(value) : plain;
  }
  return yaml.dump(value, { flowLevel: 0 }).trim();
}

function comment(k: KeyNode): string {
  const tags = [k.options.ms ? 'ms' : '', k.options.hot ? 'hot-reloadable' : ''].filter(Boolean);
  return `# ${k.options.doc}${tags.length ? ` [${tags.join(', ')}]` : ''}`;
}

/**
 * The YAML lines of `nodes`, each key under its comment. `element`: the values of one list
 * element (its keys get no comments: the list's own comment and the reference say them).
 */
function yamlLines(nodes: KeyNode[], indent: string, element?: Record<string, unknown>): string[] {
  return nodes.flatMap((k) => {
    const value =
      element && k.property in element
        ? element[k.property]
        : (k.options.example ?? k.defaultValue);
    if (value === undefined) return [];
    const key = `${indent}${camelToKebab(k.property)}:`;
    const body = isSection(k)
      ? [key, ...yamlLines(k.children, `${indent}  `)]
      : isList(k) && Array.isArray(value) && value.length > 0
        ? [key, ...value.flatMap((el: Record<string, unknown>) => listElement(k, el, indent))]
        : [`${key} ${flow(value)}`];
    return element ? body : [indent + comment(k), ...body];
  });
}

/** One list element as a block map: `- <first key>: ...`, then its other keys aligned. */
function listElement(list: KeyNode, element: Record<string, unknown>, indent: string): string[] {
  return yamlLines(list.children, `${indent}    `, element).map((line, i) =>
    i === 0 ? `${indent}  - ${line.trimStart()}` : line,
  );
}

export function renderConfigYaml(): string {
  const header = [
    '# insupclient gateway configuration: every key with its default (lists: an example entry).',
    `# ${GENERATED}`,
    '# Reference: docs/configuration.md. Override one key with INSUPCLIENT_<PATH>,',
    '# e.g. INSUPCLIENT_TCP_SERVER_PORT=15021.',
  ];
  const sections = configTree().map((s) => ['', ...yamlLines([s], '')]);
  return `${[...header, ...sections.flat()].join('\n')}\n`;
}
