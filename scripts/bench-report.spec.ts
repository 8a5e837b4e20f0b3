import type { CellResult } from './bench-cell';
import { SHAPES } from './bench-options';
import { formatTable, medians, ratios } from './bench-report';

const cell = (path: CellResult['path'], rep: number, throughput: number): CellResult => ({
  path,
  shape: '1x1',
  rep,
  load1: 0,
  throughput,
  p50: 0.2,
  p90: 0.3,
  p99: 0.4,
  max: 1,
  exactlyOnce: true,
  sent: throughput,
  answered: throughput,
  results: { 0: throughput },
  errors: [],
  middle: { cpuSecondsPer1k: 0.1, cpuPct: 50, kernelPct: 40, peakRssMb: 100, runQueuePct: 0 },
  simCpuPct: 10,
});

describe('bench ratios against the floor', () => {
  it('pairs each gateway cell with the floor cell of its own repetition', () => {
    // the machine slows down in rep 3: both paths of that rep are slow together
    const cells = [
      cell('gateway', 1, 900),
      cell('floor', 1, 1000),
      cell('gateway', 2, 950),
      cell('floor', 2, 1000),
      cell('gateway', 3, 480),
      cell('floor', 3, 500),
    ];
    const shapes = SHAPES.filter((s) => s.name === '1x1');
    const [r] = ratios(medians(cells, ['gateway', 'floor'], shapes), shapes, cells);
    expect(r.throughputVsFloor).toBe(0.9); // 900 ÷ 1000, the medians
    expect(r.throughputVsFloorPaired).toBe(0.95); // median of 0.9, 0.95, 0.96
  });

  it('has no paired ratio where the floor did not run', () => {
    const cells = [cell('gateway', 1, 900)];
    const shapes = SHAPES.filter((s) => s.name === '1x1');
    const [r] = ratios(medians(cells, ['gateway'], shapes), shapes, cells);
    expect(r.throughputVsFloorPaired).toBeNull();
    expect(r.throughputVsFloor).toBeNull();
  });
});

describe('bench table', () => {
  it("shows the median share of the middle's CPU spent in the kernel", () => {
    const cells = [cell('ideal', 1, 900), cell('ideal', 2, 900), cell('ideal', 3, 900)];
    cells[0].middle!.kernelPct = 55;
    cells[2].middle!.kernelPct = 60;
    const shapes = SHAPES.filter((s) => s.name === '1x1');
    const rows = medians(cells, ['ideal'], shapes);
    expect(rows[0].middleKernelPct).toBe(55); // median of 55, 40, 60
    const [header, row] = formatTable(rows, ratios(rows, shapes, cells), undefined).split('\n');
    const column = header.split(/\s{2,}/).indexOf('kernel %');
    expect(column).toBeGreaterThan(0);
    expect(row.trim().split(/\s+/)[column]).toBe('55');
  });
});
