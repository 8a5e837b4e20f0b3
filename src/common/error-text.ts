/**
 * The text of anything thrown or rejected, for a log line: an error's message (with its
 * cause's when there is one: fetch() says only "fetch failed", the reason is the cause),
 * else String(e). Duck-typed: errors from another realm (undici, vm) fail `instanceof Error`.
 */
export function errorText(e: unknown): string {
  const message = messageOf(e);
  if (message === undefined) return String(e);
  const cause = messageOf((e as { cause?: unknown }).cause);
  return cause ? `${message}: ${cause}` : message;
}

function messageOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('message' in e)) return undefined;
  return String(e.message);
}
