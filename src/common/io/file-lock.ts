import { randomUUID } from 'node:crypto';
import { mkdir, readFile, realpath, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A lock file beside a file that several processes rewrite (replicas sharing the OAM file):
 * `<file>.lock`, created with O_EXCL, holding who owns it. Every read-modify-write of the file
 * and the start-up clean-up of its leftover temps run under it, so no writer's change is lost
 * and no live writer's temp is deleted in flight.
 *
 * A lock whose owner is gone is broken: one from this host whose process no longer runs (or
 * an earlier incarnation with this pid: a restarted container is pid 1 again), or one older
 * than `staleMs` (an owner on another host that died; a live one holds it for milliseconds).
 */
export interface FileLockOptions {
  /** give up waiting for the lock after this long (ms). */
  timeoutMs: number;
  /** a lock file older than this is taken as abandoned (ms). */
  staleMs: number;
  /** pause between two tries (ms); a random fraction of it is added. */
  retryMs: number;
}

export const DEFAULT_FILE_LOCK: FileLockOptions = {
  timeoutMs: 15_000,
  staleMs: 10_000,
  retryMs: 10,
};

/** What a lock file says about its owner. */
export interface LockOwner {
  host: string;
  pid: number;
  /** random per process: tells this process from an earlier one that had the same pid. */
  process: string;
  /** random per acquisition: a lock is only ever released by the one that took it. */
  token: string;
}

const THIS_PROCESS = randomUUID();

export class FileLockTimeoutError extends Error {
  constructor(lockPath: string, owner: LockOwner | undefined) {
    super(
      `lock ${lockPath} held` +
        (owner ? ` by pid ${owner.pid} on ${owner.host}` : '') +
        ' for too long',
    );
    this.name = 'FileLockTimeoutError';
  }
}

/**
 * Runs `fn` holding the lock of `path`. When the lock file cannot be created at all (a
 * read-only directory, e.g. a ConfigMap mount), `fn` runs without it: nothing else can write
 * there either, and `fn`'s own write reports the real problem.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = DEFAULT_FILE_LOCK,
): Promise<T> {
  const lockPath = `${await realpath(path).catch(() => path)}.lock`;
  const owner: LockOwner = {
    host: hostname(),
    pid: process.pid,
    process: THIS_PROCESS,
    token: randomUUID(),
  };
  const held = await acquire(lockPath, owner, options);
  try {
    return await fn();
  } finally {
    if (held) await release(lockPath, owner.token);
  }
}

/** true once held; false when the lock file cannot be created (see withFileLock). */
async function acquire(lockPath: string, owner: LockOwner, o: FileLockOptions): Promise<boolean> {
  const text = JSON.stringify(owner);
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    try {
      await writeFile(lockPath, text, { flag: 'wx' });
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        if (
          await mkdir(dirname(lockPath), { recursive: true }).then(
            () => true,
            () => false,
          )
        )
          continue;
        return false;
      }
      if (code !== 'EEXIST') return false;
    }
    const holder = await readOwner(lockPath);
    if (holder === null) continue; // released meanwhile
    if (await isStale(lockPath, holder, o.staleMs)) {
      // another waiter may have broken it and taken a new one since we read it: only ours goes
      const again = await readOwner(lockPath);
      if (again !== null && again?.token === holder?.token) await unlink(lockPath).catch(() => {});
      continue;
    }
    if (Date.now() >= deadline) throw new FileLockTimeoutError(lockPath, holder);
    await sleep(o.retryMs + Math.random() * o.retryMs);
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  const holder = await readOwner(lockPath);
  if (holder?.token === token) await unlink(lockPath).catch(() => {});
}

/** null: no lock file; undefined: one being written or not ours to read. */
async function readOwner(lockPath: string): Promise<LockOwner | null | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    return typeof v.token === 'string' && typeof v.pid === 'number' ? (v as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

async function isStale(
  lockPath: string,
  holder: LockOwner | undefined,
  staleMs: number,
): Promise<boolean> {
  if (holder && holder.host === hostname() && holder.process !== THIS_PROCESS) {
    if (holder.pid === process.pid || !isRunning(holder.pid)) return true;
  }
  const st = await stat(lockPath).catch(() => undefined);
  return st !== undefined && Date.now() - st.mtimeMs > staleMs;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
