import { Counter, Gauge, register } from 'prom-client';

/**
 * prom-client metrics in the default registry (served at /metrics). Registered once per
 * process: several gateways in one jest process share them.
 */
function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const segwFailoversTotal = () =>
  once(
    'insupclient_segw_failovers_total',
    () =>
      new Counter({
        name: 'insupclient_segw_failovers_total',
        help: 'SEGW failovers started (switch to another SEGW address)',
        labelNames: ['connection'],
      }),
  );

export const segwInitiateFailuresTotal = () =>
  once(
    'insupclient_segw_initiate_failures_total',
    () =>
      new Counter({
        name: 'insupclient_segw_initiate_failures_total',
        help: 'IKE initiates that failed or were not established within initiate-timeout',
        labelNames: ['connection'],
      }),
  );

export const segwConnectionUp = () =>
  once(
    'insupclient_segw_connection_up',
    () =>
      new Gauge({
        name: 'insupclient_segw_connection_up',
        help: '1 when the managed IPsec connection has an established IKE SA',
        labelNames: ['connection'],
      }),
  );
