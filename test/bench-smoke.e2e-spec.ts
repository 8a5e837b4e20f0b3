/**
 * `npm run bench` keeps working: one tiny invocation (built dist, every path but gateway-tls, two shapes, the
 * probe on). Untimed: only that every request got exactly one answer, that the JSON record is
 * complete and that the probe still finds the hot-path methods it times (when a restructuring
 * renames one, update scripts/bench-probe-phases.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Cell {
  path: string;
  shape: string;
  exactlyOnce: boolean;
  answered: number;
  middle: { cpuSecondsPer1k: number; kernelPct: number; peakRssMb: number } | null;
  probe?: { phaseHooksMissing: string[]; phases: Record<string, { count: number }> };
}

function runBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(__dirname, '../dist/scripts/bench.js'), ...args],
      { cwd: join(__dirname, '..'), timeout: 90000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** the fourth path, the bare-bones translator, runs where the shared bench kit is checked out. */
const withFloor = existsSync(join(__dirname, '../../shared/bench/min-gateway.mjs'));
const paths = ['direct', 'haproxy', 'gateway', ...(withFloor ? ['floor'] : []), 'ideal'];

describe('npm run bench (smoke)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs direct, HAProxy, gateway, (floor and) ideal paths, answers every request once and records it', async () => {
    const out = join(dir, 'bench.json');
    const run = await runBench([
      '--quick',
      '--seconds',
      '0.3',
      '--warmup',
      '0',
      '--idle-wait',
      '0',
      '--shapes',
      '1x1,5k/s',
      '--paths',
      'direct,haproxy,gateway,floor,ideal',
      '--probe',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('gw/haproxy exec/s');
    expect(run.stdout).toContain('gw/floor exec/s');
    if (!withFloor) expect(run.stdout).toContain('floor path skipped');
    const record = JSON.parse(readFileSync(out, 'utf8')) as {
      cells: Cell[];
      medians: unknown[];
      memory: { warmIdleMb: number };
    };
    expect(record.cells.map((c) => `${c.shape} ${c.path}`)).toEqual(
      ['1x1', '5k/s'].flatMap((shape) => paths.map((p) => `${shape} ${p}`)),
    );
    for (const c of record.cells) {
      expect(c.exactlyOnce).toBe(true);
      expect(c.answered).toBeGreaterThan(0);
      expect(c.middle === null).toBe(c.path === 'direct');
      if (c.middle) expect(c.middle.kernelPct).toBeGreaterThanOrEqual(0);
      if (c.middle) expect(c.middle.kernelPct).toBeLessThanOrEqual(100);
    }
    // every middle process reads and writes sockets: the kernel's share shows somewhere
    expect(record.cells.some((c) => (c.middle?.kernelPct ?? 0) > 0)).toBe(true);
    const gateway = record.cells.filter((c) => c.path === 'gateway');
    for (const c of gateway) {
      expect(c.probe?.phaseHooksMissing).toEqual([]);
      expect(Object.keys(c.probe?.phases ?? {})).toHaveLength(4);
    }
    expect(record.medians).toHaveLength(2 * paths.length);
    expect(record.memory.warmIdleMb).toBeGreaterThan(0);
  }, 120000);
});
