import { register } from 'prom-client';
import type { StatisticsService } from '../statistics/statistics.service';
import { EXECUTE_BUCKETS, MetricsService } from './metrics.service';

describe('execute duration histogram buckets', () => {
  it('are ascending and bound 1, 2, 3, 4 and 5 ms', () => {
    expect([...EXECUTE_BUCKETS].sort((a, b) => a - b)).toEqual(EXECUTE_BUCKETS);
    for (const ms of [1, 2, 3, 4, 5]) expect(EXECUTE_BUCKETS).toContain(ms / 1000);
  });

  it('put a 1 ms execute and a 4.5 ms execute in different buckets', async () => {
    // the mirrors read the statistics only at scrape time; this spec never scrapes them
    const metrics = new MetricsService({} as StatisticsService);
    try {
      metrics.observeExecute(0.0009, 0);
      metrics.observeExecute(0.0045, 0);
      const histogram = register.getSingleMetric('insupclient_execute_duration_seconds')!;
      const buckets = new Map(
        (
          (await histogram.get()).values as {
            metricName?: string;
            labels: { le?: number };
            value: number;
          }[]
        )
          .filter((v) => v.metricName === 'insupclient_execute_duration_seconds_bucket')
          .map((v) => [v.labels.le, v.value]),
      );
      expect(buckets.get(0.001)).toBe(1);
      expect(buckets.get(0.004)).toBe(1);
      expect(buckets.get(0.005)).toBe(2);
    } finally {
      metrics.onModuleDestroy();
    }
  });
});
