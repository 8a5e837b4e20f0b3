import type { InsupcSimulator } from '../../apps/insupc-simulator/src/insupc-simulator';
import { Gateway } from '../../src/bootstrap';
import { INSUPC_STATE, InsupcStateSource } from '../../src/contracts/state-sources';
import { InsupcClientConfig } from '../../src/config/config.schema';
import { waitFor } from './wait-for';

/** `insupc.clients` for a gateway pointed at every instance of `sim`, reconnecting fast. */
export function simulatorClients(
  sim: InsupcSimulator,
  extra: Partial<InsupcClientConfig> = { retryInterval: 50, connectTimeout: 1000 },
): Partial<InsupcClientConfig>[] {
  return sim.instances.map(({ name, port }) => ({ name, host: '127.0.0.1', port, ...extra }));
}

/** Resolves with the gateway's INSUPC state once at least one server is routable. */
export async function waitRoutable(gw: Gateway, timeoutMs = 5000): Promise<InsupcStateSource> {
  const insupc = gw.app.get<InsupcStateSource>(INSUPC_STATE);
  await waitFor(() => insupc.routableServerCount() > 0, timeoutMs, 'an INSUPC server routable');
  return insupc;
}
