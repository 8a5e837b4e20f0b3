import fc from 'fast-check';
import { LatencyHistogram } from './latency-histogram';

function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

describe('LatencyHistogram', () => {
  it('is empty until something is recorded', () => {
    const h = new LatencyHistogram();
    expect([h.count, h.percentile(50), h.max, h.min, h.mean]).toEqual([0, 0, 0, 0, 0]);
  });

  it('records small values exactly', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 100; v++) h.record(v);
    expect(h.percentile(50)).toBe(50);
    expect(h.percentile(90)).toBe(90);
    expect(h.percentile(99)).toBe(99);
    expect(h.percentile(100)).toBe(100);
    expect(h.max).toBe(100);
    expect(h.mean).toBeCloseTo(50.5);
  });

  it('reports every percentile within 1/64 above the exact value, never below', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const h = new LatencyHistogram();
          for (const v of values) h.record(v);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = exactPercentile(sorted, p);
          const got = h.percentile(p);
          expect(got).toBeGreaterThanOrEqual(exact);
          expect(got).toBeLessThanOrEqual(Math.max(exact * (1 + 1 / 64), exact + 1));
          expect(h.max).toBe(sorted[sorted.length - 1]);
          expect(h.count).toBe(values.length);
        },
      ),
    );
  });

  it('clamps negative and huge values instead of failing', () => {
    const h = new LatencyHistogram();
    h.record(-5);
    h.record(1e15);
    expect(h.min).toBe(0);
    expect(h.max).toBe(2 ** 31 - 1);
    expect(h.percentile(100)).toBe(2 ** 31 - 1);
  });

  it('merges another histogram', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let v = 1; v <= 50; v++) a.record(v);
    for (let v = 51; v <= 100; v++) b.record(v);
    a.add(b);
    expect(a.count).toBe(100);
    expect(a.percentile(50)).toBe(50);
    expect(a.max).toBe(100);
    expect(a.min).toBe(1);
  });
});
