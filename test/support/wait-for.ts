/** Condition polling for tests: wait on state, never sleep and hope. */

/**
 * Polls `probe` until it yields a value (anything but undefined or false) and resolves
 * with it; rejects naming `what` once `timeoutMs` has passed.
 */
export async function pollFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Polls `cond` until it holds; rejects naming `what` once `timeoutMs` has passed. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  await pollFor(what, cond, timeoutMs, 5);
}
