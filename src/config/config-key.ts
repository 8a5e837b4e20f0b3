/**
 * `@Key(...)`: everything the gateway knows about a config key besides its validation, on
 * the key itself — description, secret, hot-reloadable, verbatim, milliseconds, nested
 * section or list element class, and the example the shipped YAML shows. The loader (env
 * overrides, redaction, verbatim maps), the hot reload and the generated
 * `config/insupclient.yaml` and `docs/configuration.md` all read it from here
 * (`config-model.ts`), so there is no second list to keep in step.
 */
import { Transform, Type } from 'class-transformer';
import { IsInt, ValidateNested } from 'class-validator';
import { toMillis } from './duration';

type Class = new () => object;

export interface KeyOptions {
  /** one sentence for the configuration reference and the generated YAML. */
  doc: string;
  /** a time in milliseconds: also takes a duration string (`500ms`, `30s`, `2m`, `1h`). */
  ms?: boolean;
  /** never shown: redacted in error messages. */
  secret?: boolean;
  /** applied by the config reload action without a restart (read at use time). */
  hot?: boolean;
  /** a map whose keys the operator chooses: passed on as written, never camelCased. */
  verbatim?: boolean;
  /** a nested section of keys. */
  section?: () => Class;
  /** a list whose elements are this class. */
  items?: () => Class;
  /** what the shipped YAML shows when it differs from the default (e.g. an example server). */
  example?: unknown;
  /** the type as the reference shows it, when the validators do not say it well. */
  type?: string;
}

export interface KeyEntry {
  property: string;
  options: KeyOptions;
}

/** A config class: what `@Key` decorates and `keysOf` reads back. */
export type ConfigClass = abstract new (...args: never[]) => object;

const KEYS = new Map<ConfigClass, KeyEntry[]>();

export const MS_MESSAGE =
  '$property must be a whole number of milliseconds or a duration such as 500ms, 30s, 2m, 1h';

export function Key(options: KeyOptions): PropertyDecorator {
  return (target, property) => {
    const ctor = target.constructor as ConfigClass;
    const entries = KEYS.get(ctor) ?? [];
    entries.push({ property: String(property), options });
    KEYS.set(ctor, entries);
    if (options.ms) {
      Transform(({ value }: { value: unknown }) => toMillis(value))(target, property);
      IsInt({ message: MS_MESSAGE })(target, property);
    }
    const nested = options.section ?? options.items;
    if (nested) {
      ValidateNested({ each: Boolean(options.items) })(target, property);
      Type(nested)(target, property);
    }
  };
}

/** The keys of a config class, in declaration order. */
export function keysOf(cls: ConfigClass): readonly KeyEntry[] {
  return KEYS.get(cls) ?? [];
}
