import { validateConfig } from '../config/config.loader';
import { insupcView, sessionView, sipsvcView } from '../contracts/testing/state-views';
import { ServiceStateService } from '../oam/service-state.service';
import { GatewayStateService } from './gateway-state.service';

const config = validateConfig({ insupc: { clients: [{ name: 'A', host: 'h', port: 1 }] } });

/** Sources reporting distinct numbers, so a field wired to the wrong one shows. */
const sipsvc = sipsvcView({ recvQueueSize: () => 3 });
const insupc = insupcView({ pendingRequests: () => 11 });
const sessions = sessionView({
  messageMappingSize: () => 17,
  workerQueueSize: () => 5,
  insupcRecvQueueSize: () => 7,
});

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
    const older = sessionView({ messageMappingSize: () => 2, workerQueueSize: () => 4 });
    const s = new GatewayStateService(
      config,
      new ServiceStateService(),
      undefined,
      undefined,
      older,
    );
    expect(s.status()).toMatchObject({
      serverSessionCount: 2,
      serverQueueSize: 0,
      clientSessionCount: 0,
      clientQueueSize: 4,
    });
  });
});
