import { TpsLimiter } from './tps-limiter';

describe('TpsLimiter', () => {
  it('UT_03_004: 15 requests at 5/s with max 3 per 1000 ms → 9 pass, 6 refused', () => {
    const limiter = new TpsLimiter();
    const passed: number[] = [];
    for (let i = 0; i < 15; i++) {
      if (limiter.tryAcquire(i * 200, 3, 1000)) passed.push(i + 1);
    }
    expect(passed).toEqual([1, 2, 3, 6, 7, 8, 11, 12, 13]);
    expect(limiter.rejected).toBe(6);
  });

  it('keeps 9/6 when arrivals jitter around the window edge', () => {
    const limiter = new TpsLimiter();
    const jitter = [0, 3, -4, 7, -1, -2, 5, 0, 9, -6, 4, -3, 2, 0, 1];
    let passed = 0;
    for (let i = 0; i < 15; i++)
      if (limiter.tryAcquire(10 + i * 200 + jitter[i], 3, 1000)) passed++;
    expect(passed).toBe(9);
    expect(limiter.rejected).toBe(6);
  });

  it('applies a changed limit at once (hot reload)', () => {
    const limiter = new TpsLimiter();
    expect(limiter.tryAcquire(0, 1, 1000)).toBe(true);
    expect(limiter.tryAcquire(1, 1, 1000)).toBe(false);
    expect(limiter.tryAcquire(2, 5, 1000)).toBe(true);
    expect(limiter.tryAcquire(3, 5, 10)).toBe(true); // window shrank: 3 - 0 < 10, same window
    expect(limiter.tryAcquire(10, 1, 10)).toBe(true); // new window
  });
});
