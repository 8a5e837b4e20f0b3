import { validateConfig } from '../config/config.loader';
import type {
  InsupcStateSource,
  SessionStateSource,
  SipsvcStateSource,
} from '../contracts/state-sources';
import { ServiceStateService } from '../oam/service-state.service';
import { GatewayStateService } from './gateway-state.service';

const config = validateConfig({ insupc: { clients: [{ name: 'A', host: 'h', port: 1 }] } });

/** Sources reporting distinct numbers, so a field wired to the wrong one shows. */
const sipsvc = { recvQueueSize: () => 3 } as unknown as SipsvcStateSource;
const insupc = { pendingRequests: () => 11 } as unknown as InsupcStateSource;
const sessions = {
  messageMappingSize: () => 17,
  workerQueueSize: () => 5,
  insupcRecvQueueSize: () => 7,
} as unknown as SessionStateSource;

describe('GatewayStateService.status', () => {
  it('server* is the SIPSVC side, client* the INSUPC side', () => {
    const s = new GatewayStateService(config, new ServiceStateService(), sipsvc, insupc, sessions);
    expect(s.status()).toMatchObject({
      serverSessionCount: 17,
      serverQueueSize: 3,
      clientSessionCount: 11,
      clientQueueSize: 5 + 7,
      messageMappingSize: 17,
    });
  });

  it('counts a missing source, or one without the INSUPC receive queue, as empty', () => {
    const older = { messageMappingSize: () => 2, workerQueueSize: () => 4 };
    const s = new GatewayStateService(
      config,
      new ServiceStateService(),
      undefined,
      undefined,
      older as unknown as SessionStateSource,
    );
    expect(s.status()).toMatchObject({
      serverSessionCount: 2,
      serverQueueSize: 0,
      clientSessionCount: 0,
      clientQueueSize: 4,
    });
  });
});
