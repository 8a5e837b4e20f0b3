import { evaluateLoad, percent } from './load-level';

describe('evaluateLoad (seed thresholds)', () => {
  const at = (tpsPct: number, queuePct: number, sessionPct: number) =>
    evaluateLoad({ tpsPct, queuePct, sessionPct });

  it.each([
    [0, 0, 0, 'Normal'],
    [79.9, 69.9, 79.9, 'Normal'],
    [80, 0, 0, 'Warning'],
    [0, 70, 0, 'Warning'],
    [0, 0, 80, 'Warning'],
    [89.9, 84.9, 89.9, 'Warning'],
    [90, 0, 0, 'Critical'],
    [0, 85, 0, 'Critical'],
    [0, 0, 90, 'Critical'],
    [99.9, 99.9, 99.9, 'Critical'],
    [100, 0, 0, 'Overload'],
    [0, 100, 0, 'Overload'],
    [0, 0, 100, 'Overload'],
    [250, 0, 0, 'Overload'],
  ])('tps %d%%, queue %d%%, sessions %d%% → %s', (t, q, s, level) => {
    expect(at(t, q, s)).toBe(level);
  });

  it('seed example: sessions 85%, queue 75%, TPS 85% → Warning', () => {
    expect(at(85, 75, 85)).toBe('Warning');
  });

  it('percent has one decimal and tolerates a zero limit', () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(5, 0)).toBe(0);
  });
});
