/**
 * Raises the process's soft open-files limit to its hard limit at start (issue 14: 1,500
 * unauthenticated connections under a 1,024 limit starved auth, /health and the stat file).
 * Node has no setrlimit, so util-linux `prlimit --pid <own pid>` does it, once, without
 * blocking start-up; the figure is read back from /proc/self/limits and logged. Where either is
 * missing (not Linux, no util-linux) the limit stays as it is, with a WARN saying so.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface OpenFilesLimit {
  soft: number;
  hard: number;
}

export interface FdLimitIo {
  readLimits(): Promise<string>;
  prlimit(pid: number, value: number): Promise<void>;
}

export interface FdLimitLog {
  log(message: string): void;
  warn(message: string): void;
}

const systemIo: FdLimitIo = {
  readLimits: () => readFile('/proc/self/limits', 'utf8'),
  prlimit: (pid, value) =>
    new Promise((resolve, reject) =>
      execFile('prlimit', [`--pid=${pid}`, `--nofile=${value}:${value}`], (err) =>
        err ? reject(err) : resolve(),
      ),
    ),
};

/** `Max open files  1024  524288  files` → { soft: 1024, hard: 524288 } (unlimited: Infinity). */
export function parseOpenFilesLimit(limits: string): OpenFilesLimit | null {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (!m) return null;
  const num = (v: string): number => (v === 'unlimited' ? Infinity : Number(v));
  const soft = num(m[1]);
  const hard = num(m[2]);
  return Number.isNaN(soft) || Number.isNaN(hard) ? null : { soft, hard };
}

export async function raiseOpenFilesLimit(
  log: FdLimitLog,
  io: FdLimitIo = systemIo,
  pid = process.pid,
): Promise<OpenFilesLimit | null> {
  let before: OpenFilesLimit | null;
  try {
    before = parseOpenFilesLimit(await io.readLimits());
  } catch {
    before = null;
  }
  if (!before) {
    log.warn('Open files limit unknown (no /proc/self/limits): left as it is');
    return null;
  }
  if (before.soft >= before.hard || !Number.isFinite(before.hard)) {
    log.log(`Open files limit: ${before.soft} (hard ${before.hard})`);
    return before;
  }
  try {
    await io.prlimit(pid, before.hard);
    const after = parseOpenFilesLimit(await io.readLimits()) ?? before;
    log.log(`Open files limit: ${after.soft} (raised from ${before.soft}; hard ${after.hard})`);
    return after;
  } catch (e) {
    log.warn(
      `Open files limit: ${before.soft} (hard ${before.hard}); raising it with prlimit failed: ${(e as Error).message}`,
    );
    return before;
  }
}

/** What the caps in the config let the gateway open at once, term by term. */
export interface OpenFilesBudget {
  sipsvc: number;
  pending: number;
  admin: number;
  insupc: number;
  /** the process's own: stdio, listeners, log/stat/OAM/history files, VICI, libuv. */
  process: number;
  total: number;
}

/** Descriptors the process holds besides connections (counted generously). */
export const PROCESS_FILES = 64;

export interface FdCaps {
  tcp: { server: { maxConnections: number; maxPendingConnections: number } };
  server: { maxConnections: number };
  insupc: { clients: readonly { connectionPoolSize: number }[] };
}

export function openFilesBudget(config: FdCaps): OpenFilesBudget {
  const budget = {
    sipsvc: config.tcp.server.maxConnections,
    pending: config.tcp.server.maxPendingConnections,
    admin: config.server.maxConnections,
    insupc: config.insupc.clients.reduce((n, c) => n + c.connectionPoolSize, 0),
    process: PROCESS_FILES,
  };
  return { ...budget, total: Object.values(budget).reduce((a, b) => a + b, 0) };
}

/**
 * Operations spec §8.5: a WARN naming the numbers when the connection caps can open more
 * files than the limit allows (the data path would then fail to accept or to open a file).
 * Returns whether they fit.
 */
export function checkOpenFilesBudget(
  config: FdCaps,
  limit: OpenFilesLimit | null,
  log: FdLimitLog,
): boolean {
  if (!limit) return true;
  const b = openFilesBudget(config);
  if (b.total <= limit.soft) return true;
  log.warn(
    `Open files limit ${limit.soft} is below what the connection caps may open: ${b.total} = ` +
      `tcp.server.max-connections ${b.sipsvc} + tcp.server.max-pending-connections ${b.pending} + ` +
      `server.max-connections ${b.admin} + INSUPC pools ${b.insupc} + ${b.process} for the process; ` +
      'raise the limit (ulimit -n, LimitNOFILE, the container runtime) or lower the caps',
  );
  return false;
}
