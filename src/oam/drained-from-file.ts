import { DrainedServers } from '../insupc/drained-servers';

/**
 * Applies the OAM file's `drainedServers` (at start, on reload, or when the file changes on
 * disk): names that are not configured INSUPC servers are reported and ignored, each server
 * whose drain changes gets its line.
 */
export function applyDrainedFromFile(
  drained: DrainedServers,
  known: ReadonlySet<string>,
  names: readonly string[],
  log: { log(m: string): void; warn(m: string): void },
): void {
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    log.warn(
      `OAM file drainedServers: ${unknown.map((n) => JSON.stringify(n)).join(', ')} not a configured INSUPC server, ignored`,
    );
  }
  const before = new Set(drained.list());
  const next = names.filter((n) => known.has(n));
  if (!drained.set(next)) return;
  for (const n of next) if (!before.has(n)) log.log(`[INSUPC|${n}] drained by the OAM file`);
  for (const n of before) if (!drained.has(n)) log.log(`[INSUPC|${n}] enabled by the OAM file`);
}
