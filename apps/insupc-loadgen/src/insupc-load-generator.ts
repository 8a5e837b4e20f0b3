import { LoadGenerator } from '../../sipsvc-loadgen/src/load-generator';
import type { LoadReport } from '../../sipsvc-loadgen/src/load-report';
import { InsupcLoadConnection } from './insupc-load-connection';
import type { InsupcLoadgenOptions } from './insupc-loadgen-options';

/** Runs the shared load generator over binary INSUPC connections (ports round-robin). */
export function runInsupcLoad(o: InsupcLoadgenOptions): Promise<LoadReport> {
  return new LoadGenerator(o, (i, sink) =>
    InsupcLoadConnection.open(
      {
        host: o.host,
        port: o.ports[i % o.ports.length],
        api: o.api,
        params: o.params,
        asId: 100,
        sessionId: `LOADGEN_${i}`,
      },
      sink,
    ),
  ).run();
}
