import { readdir, realpath, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorText } from '../error-text';

/**
 * The temp files of atomic writes that a killed process (kill -9, power loss) left beside a
 * file: write-file-atomic writes `<file>.<n>` (n a decimal hash of pid and call count) beside
 * the file's real path, then renames it over the file. Run once per file at start, before the
 * process's first write of it, so every such temp is a leftover. Returns the names removed.
 */
export async function removeLeftoverTemps(path: string): Promise<string[]> {
  const target = await realpath(path).catch(() => path);
  const dir = dirname(target);
  const prefix = `${basename(target)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
    await unlink(join(dir, name)).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

/** The start-up step of the OAM and statistics files: logged, never fatal. */
export async function cleanLeftoverTemps(
  files: { removeLeftoverTemps(path: string): Promise<string[]> },
  path: string,
  log: { log(m: string): void; warn(m: string): void },
): Promise<void> {
  if (!path) return;
  try {
    const removed = await files.removeLeftoverTemps(path);
    if (removed.length > 0) {
      log.log(`Removed ${removed.length} leftover temp file(s) of ${path}: ${removed.join(', ')}`);
    }
  } catch (e) {
    log.warn(`Could not look for leftover temp files of ${path}: ${errorText(e)}`);
  }
}
