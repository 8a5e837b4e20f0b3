/**
 * Process plumbing of the soak script (free ports and child exit come from the bench's
 * bench-processes.ts): the built gateway's readiness, the load generator as its own process,
 * a child's CPU time.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadReport } from '../../apps/sipsvc-loadgen/src/load-report';

export async function waitReady(httpPort: number, gateway: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20000;
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
  throw new Error('gateway not ready within 20 s');
}

/** Runs dist/apps/sipsvc-loadgen with `args` and resolves with its JSON report. */
export function runLoadgen(
  dist: string,
  cwd: string,
  args: string[],
  onSpawn: (child: ChildProcess) => void = () => undefined,
): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(dist, 'apps/sipsvc-loadgen/src/main.js'), ...args, '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'], cwd },
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
        reject(new Error(`load generator exited ${code} without a report`));
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
