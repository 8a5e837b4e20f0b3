const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/;

/**
 * A millisecond key's value: numbers pass through; `500ms`, `30s`, `1.5s`, `2m`, `1h`, `7d` and
 * digit strings (`"30000"`, as Spring accepted them) become milliseconds. Anything else is
 * returned as it is, for the validator to refuse with the key's name.
 */
export function toMillis(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = DURATION.exec(value);
  if (!m) return value;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms'] * 1000) / 1000;
}
