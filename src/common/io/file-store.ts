import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { withFileLock } from './file-lock';
import { removeLeftoverTemps } from './leftover-temps';

/**
 * File I/O for the OAM state file and the statistics file, behind a class so services can
 * be unit-tested with a fake. Writes go through `write-file-atomic`: a temp file beside the
 * real target, fsynced, then rename(2), so a crash mid-write never leaves a half-written file;
 * a symlinked path stays a symlink (its target is replaced, realpath), the replaced file keeps
 * its mode and owner, and writes to one file land in the order they were issued (so a slow
 * periodic snapshot can never overwrite a later one).
 */
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

  /** deletes the temps a killed writer left beside `path` (see leftover-temps.ts). */
  removeLeftoverTemps(path: string): Promise<string[]> {
    return removeLeftoverTemps(path);
  }

  /** runs `fn` holding `<path>.lock`, shared with other processes (see file-lock.ts). */
  withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
    return withFileLock(path, fn);
  }

  async writeAtomic(path: string, text: string): Promise<void> {
    // handed to write-file-atomic synchronously, so its per-file queue sees the call order
    try {
      await writeFileAtomic(path, text, { encoding: 'utf8', fsync: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, text, { encoding: 'utf8', fsync: true });
    }
  }
}
