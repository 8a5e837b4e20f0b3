import fc from 'fast-check';
import { BurstLog } from './burst-log';
import { FakeScheduler } from './testing/fake-scheduler';

function setup(burst: number) {
  const scheduler = new FakeScheduler();
  const lines: string[] = [];
  const log = new BurstLog(scheduler, (n, ms) => lines.push(`${n} in ${ms} ms`), burst, 1000);
  const occur = (id: number) => {
    if (log.take()) lines.push(`line ${id}`);
  };
  return { scheduler, lines, log, occur };
}

describe('BurstLog', () => {
  it('writes the first `burst` of a window, then one count line when the window ends', () => {
    const { scheduler, lines, occur } = setup(2);
    for (let i = 1; i <= 5; i++) occur(i);
    expect(lines).toEqual(['line 1', 'line 2']);
    scheduler.advance(1000);
    expect(lines).toEqual(['line 1', 'line 2', '3 in 1000 ms']);
  });

  it('a storm that goes on: one line a second; after a quiet window, lines as they are again', () => {
    const { scheduler, lines, occur } = setup(1);
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 100; i++) {
        occur(s * 100 + i);
        scheduler.advance(10);
      }
    }
    scheduler.advance(1000);
    expect(lines).toEqual([
      'line 0',
      '99 in 1000 ms',
      '100 in 1000 ms',
      '100 in 1000 ms',
      '100 in 1000 ms',
      '100 in 1000 ms',
    ]);
    scheduler.advance(5000);
    occur(9);
    expect(lines[lines.length - 1]).toBe('line 9');
    expect(scheduler.pending()).toBe(0);
  });

  it('property: lines ≤ burst + 1 per window, and every occurrence is written or counted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(300), { minLength: 1, maxLength: 400 }),
        (burst, gaps) => {
          const { scheduler, lines, occur } = setup(burst);
          gaps.forEach((gap, i) => {
            scheduler.advance(gap);
            occur(i);
          });
          const span = scheduler.now();
          scheduler.advance(1000);
          const counted = lines
            .map((l) => /^(\d+) in/.exec(l)?.[1])
            .reduce((sum, n) => sum + (n ? Number(n) : 0), 0);
          const written = lines.filter((l) => l.startsWith('line')).length;
          expect(written + counted).toBe(gaps.length);
          expect(lines.length).toBeLessThanOrEqual((burst + 1) * (2 + Math.ceil(span / 1000)));
        },
      ),
    );
  });
});
