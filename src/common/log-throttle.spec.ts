import fc from 'fast-check';
import { LogThrottle } from './log-throttle';

describe('LogThrottle', () => {
  it('logs the first at once, leaves out the rest of the interval, counts them in the next', () => {
    const t = new LogThrottle(1000);
    expect(t.take(5000)).toBe('');
    expect(t.take(5000)).toBeNull();
    expect(t.take(5999)).toBeNull();
    expect(t.take(6000)).toBe(' (+2 more since the previous line)');
    expect(t.take(6001)).toBeNull();
    expect(t.take(9000)).toBe(' (+1 more since the previous line)');
    expect(t.take(10000)).toBe('');
  });

  it('property: lines ≤ 1 + span/interval, and lines + reported + pending = occurrences', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(100), { minLength: 1, maxLength: 500 }), (gaps) => {
        const t = new LogThrottle(50);
        let now = 0;
        let lines = 0;
        let reported = 0;
        for (const g of gaps) {
          now += g;
          const s = t.take(now);
          if (s === null) continue;
          lines++;
          const m = / \(\+(\d+) more/.exec(s);
          if (m) reported += Number(m[1]);
        }
        expect(lines).toBeLessThanOrEqual(1 + Math.floor(now / 50));
        const pending = t.take(now + 50)?.match(/\+(\d+)/)?.[1] ?? '0';
        expect(lines + reported + Number(pending)).toBe(gaps.length);
      }),
    );
  });
});
