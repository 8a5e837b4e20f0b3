import fc from 'fast-check';
import { Histogram, Metric, Registry } from 'prom-client';
import { CountingHistogram } from './counting-histogram';
import { EXECUTE_BUCKETS } from './metrics.service';

describe('CountingHistogram', () => {
  it('exposes exactly what a prom-client Histogram fed the same observations does', async () => {
    const observation = fc.tuple(
      fc.constantFrom(0, 6, 7, 18),
      fc.oneof(fc.double({ min: 0, max: 40, noNaN: true }), fc.constantFrom(...EXECUTE_BUCKETS)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 50 }), async (observations) => {
        const name = 'h_seconds';
        const theirs = new Registry();
        const ours = new Registry();
        const reference = new Histogram({
          name,
          help: 'help',
          labelNames: ['result'],
          buckets: EXECUTE_BUCKETS,
          registers: [theirs],
        });
        const counting = new CountingHistogram(name, 'help', 'result', EXECUTE_BUCKETS);
        ours.registerMetric(counting as unknown as Metric);
        for (const [result, seconds] of observations) {
          reference.labels(String(result)).observe(seconds);
          counting.observe(result, seconds);
        }
        expect(await ours.metrics()).toBe(await theirs.metrics());
        counting.reset();
        reference.reset();
        expect(await ours.metrics()).toBe(await theirs.metrics());
      }),
      { numRuns: 200 },
    );
  });
});
