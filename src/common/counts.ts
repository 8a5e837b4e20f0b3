import { CommandCounters } from '../contracts/counters';

/** Helpers for counter sets: counts restored from an untrusted file, zeroed in place. */
export type Plain = Record<string, unknown>;

export const isPlain = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Copies every valid count in `from` onto the same-named numeric field of `into`. */
export function copyCounts(into: object, from: unknown, except: readonly string[] = []): void {
  if (!isPlain(from)) return;
  const target = into as Plain;
  for (const key of Object.keys(target)) {
    if (except.includes(key)) continue;
    if (typeof target[key] === 'number' && isCount(from[key])) target[key] = from[key];
  }
}

export function zeroNumbers(o: object): void {
  const target = o as Plain;
  for (const key of Object.keys(target)) if (typeof target[key] === 'number') target[key] = 0;
}

/** `into[key] += n`, for a field two counter sets share in one snapshot section. */
export function addTo(into: Plain, key: string, n: number): void {
  const have = into[key];
  into[key] = (typeof have === 'number' ? have : 0) + n;
}

export function newCommandCounters(): CommandCounters {
  return { attempts: 0, success: 0, failure: 0 };
}

/** success / attempts × 100 with one decimal; 0 when nothing was attempted. */
export function successRate(c: CommandCounters): number {
  return c.attempts === 0 ? 0 : Math.round((c.success / c.attempts) * 1000) / 10;
}

export type CommandSnapshot = CommandCounters & { success_rate: number };

export const commandSnapshot = (c: CommandCounters): CommandSnapshot => ({
  attempts: c.attempts,
  success: c.success,
  failure: c.failure,
  success_rate: successRate(c),
});

/** the `commands` object of a section, created when the first set adds to it */
export function commandsOf(section: Plain): Plain {
  if (!isPlain(section.commands)) section.commands = {};
  return section.commands as Plain;
}
