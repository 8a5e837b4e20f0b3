import { ValidationError } from 'class-validator';
import { camelToKebab, secretFields, secretPaths } from './config-model';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const REDACTED = '<redacted>';

/**
 * js-yaml's reason without what it quotes from the text (a tag, a handle): some reasons end
 * in a fragment of the file, and the file may hold a secret.
 */
export function yamlReason(reason: string | undefined): string {
  return (reason ?? 'syntax error').replace(/\s*(!<|!|"|: |\().*$/s, '') || 'syntax error';
}

/**
 * A YAML syntax error as `<source>: not valid YAML at line L, column C: <reason>`: never
 * js-yaml's message, whose code frame quotes the lines around the error (operations spec §8.3).
 */
export function yamlSyntaxProblem(e: unknown, source: string): string {
  const { reason, mark } = (e ?? {}) as {
    reason?: string;
    mark?: { line: number; column: number };
  };
  const at = mark ? ` at line ${mark.line + 1}, column ${mark.column + 1}` : '';
  return `${source}: not valid YAML${at}: ${yamlReason(reason)}`;
}

/** `insupc.clients.0.readTimeout` → `insupc.clients[0].read-timeout`. */
export function yamlPath(camelPath: string): string {
  return camelPath
    .split('.')
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${camelToKebab(seg)}`))
    .join('')
    .slice(1);
}

/** The refused value as JSON, with secrets (the value itself or fields inside it) redacted. */
export function showValue(camelPath: string, value: unknown): string {
  if (secretPaths().has(yamlPath(camelPath).replace(/\[\d+\]/g, '[]'))) return REDACTED;
  const fields = secretFields();
  return JSON.stringify(value, (k, v: unknown) => (fields.has(k) ? REDACTED : v));
}

/** `tps.max-tps`, or `INSUPCLIENT_TPS_MAX_TPS (tps.max-tps)` when a variable set that key. */
export function describeKey(key: string, sources: ReadonlyMap<string, string>): string {
  for (const [source, name] of sources) {
    if (key === source || key.startsWith(`${source}.`) || key.startsWith(`${source}[`)) {
      return `${name} (${key})`;
    }
  }
  return key;
}

/** One line per refused value: `<key>: <reason> (got <value>)`. */
export function flattenErrors(
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
