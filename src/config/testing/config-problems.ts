import { ConfigError } from '../config.loader';

/** The problems a config call refuses with; fails unless it throws a ConfigError. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
