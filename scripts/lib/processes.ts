/**
 * Process plumbing shared by the bench and soak scripts: where the build lies, free ports,
 * child exit and stop, the built gateway's readiness, a load generator as its own process,
 * a child's CPU time.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { LoadReport } from '../../apps/sipsvc-loadgen/src/load-report';

/** the build output (dist/) and the repository root above it. */
export const dist = join(__dirname, '../..');
export const root = join(dist, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));
}

export async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await exited(child);
}

export async function waitReady(
  httpPort: number,
  gateway: ChildProcess,
  timeoutMs = 20000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gateway.exitCode !== null) throw new Error(`gateway exited (${gateway.exitCode})`);
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gateway not ready within ${timeoutMs / 1000} s`);
}

export type LoadgenApp = 'sipsvc-loadgen' | 'insupc-loadgen';

/** Runs dist/apps/<app> with `args` from the repository root and resolves with its JSON report. */
export function runLoadgen(
  app: LoadgenApp,
  args: string[],
  onSpawn: (child: ChildProcess) => void = () => undefined,
): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(dist, 'apps', app, 'src/main.js'), ...args, '--json'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        cwd: root,
      },
    );
    onSpawn(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      try {
        const report = JSON.parse(out.trim().split('\n').pop() ?? '') as LoadReport;
        if (code !== 0) report.errors.push(`load generator exited ${code}`);
        resolve(report);
      } catch {
        reject(new Error(`${app} exited ${code} without a report`));
      }
    });
  });
}

/** user+system CPU seconds of a process so far (Linux /proc; 0 elsewhere). */
export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return 0;
  }
}
