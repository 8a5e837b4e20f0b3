import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * File I/O for the OAM state file and the statistics file, behind a class so services can
 * be unit-tested with a fake. Writes are atomic: a temp file beside the target, then
 * rename(2), so a crash mid-write never leaves a half-written file for the next start.
 */
let tmpSeq = 0;

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

  async writeAtomic(path: string, text: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${++tmpSeq}.tmp`;
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  }
}
