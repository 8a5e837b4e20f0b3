import {
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * File I/O for the OAM state file and the statistics file, behind a class so services can
 * be unit-tested with a fake. Writes are atomic: a temp file beside the real target, synced,
 * then rename(2), so a crash mid-write never leaves a half-written file for the next start.
 * A symlinked path stays a symlink (the file it points at is replaced) and the replaced
 * file's permission bits are kept: operators may link the file elsewhere or restrict it.
 */
let tmpSeq = 0;

/** The file a write to `path` must replace: the symlink's target when `path` is one. */
async function writeTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // Missing, or a symlink to a file not created yet: create the file the link names.
  try {
    if ((await lstat(path)).isSymbolicLink()) {
      return resolve(dirname(path), await readlink(path));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return path;
}

async function modeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export class FileStore {
  /** the file's text, or undefined when it does not exist. */
  async read(path: string): Promise<string | undefined> {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /**
   * Deletes the temp files a killed process (kill -9, power loss) left beside `path`'s target:
   * `<file>.<pid>.<n>.tmp` of any other pid. Run once at start, before the first write.
   * Returns the names removed.
   */
  async removeLeftoverTemps(path: string): Promise<string[]> {
    const target = await writeTarget(path);
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
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const m = /^(\d+)\.\d+$/.exec(name.slice(prefix.length, -'.tmp'.length));
      if (!m || Number(m[1]) === process.pid) continue;
      await unlink(join(dir, name)).catch(() => undefined);
      removed.push(name);
    }
    return removed;
  }

  async writeAtomic(path: string, text: string): Promise<void> {
    const target = await writeTarget(path);
    await mkdir(dirname(target), { recursive: true });
    const mode = await modeOf(target);
    const tmp = `${target}.${process.pid}.${++tmpSeq}.tmp`;
    const file = await open(tmp, 'wx', mode ?? 0o666);
    try {
      try {
        await file.writeFile(text, 'utf8');
        // open()'s mode passes through the umask; the replaced file's bits must survive as they were.
        if (mode !== undefined) await file.chmod(mode);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, target);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }
}

/** Start-up step of the OAM and statistics files: leftover temps removed, logged, never fatal. */
export async function removeLeftoverTemps(
  files: FileStore,
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
    log.warn(`Could not look for leftover temp files of ${path}: ${(e as Error).message}`);
  }
}
