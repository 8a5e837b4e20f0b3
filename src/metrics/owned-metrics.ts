import { collectDefaultMetrics, Metric, register } from 'prom-client';

/**
 * Metrics one gateway puts on prom-client's default registry. Several gateways may live in
 * one process (e2e specs): the newest one owns a name, and {@link unregisterAll} removes only
 * the metrics this instance registered.
 */
export class OwnedMetrics {
  private readonly owned: Array<{ name: string; metric: Metric }> = [];

  add<M extends Metric>(metric: M): M {
    // every prom-client metric has its name at runtime; the typings leave it out of Metric.
    const name = (metric as unknown as { name: string }).name;
    if (register.getSingleMetric(name)) register.removeSingleMetric(name);
    register.registerMetric(metric);
    this.owned.push({ name, metric });
    return metric;
  }

  unregisterAll(): void {
    for (const { name, metric } of this.owned) {
      if (register.getSingleMetric(name) === metric) register.removeSingleMetric(name);
    }
    this.owned.length = 0;
  }
}

/**
 * prom-client's default process and Node.js metrics (`process_*`, `nodejs_*`, event-loop lag
 * included), once per process: they describe the process, not one gateway instance.
 */
export function ensureDefaultMetrics(): void {
  if (register.getSingleMetric('nodejs_eventloop_lag_seconds')) return;
  collectDefaultMetrics();
}
