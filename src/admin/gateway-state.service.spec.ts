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
  busyWorkers: () => 13,
  insupcRecvQueueSize: () => 7,
} as unknown as SessionStateSource;

describe('GatewayStateService.status', () => {
  it("has the original's meanings: server* = busy workers and worker queue, client* = the same (UT_02_005)", () => {
    const s = new GatewayStateService(config, new ServiceStateService(), sipsvc, insupc, sessions);
    expect(s.status()).toMatchObject({
      serverSessionCount: 13,
      serverQueueSize: 5,
      clientSessionCount: 13,
      clientQueueSize: 5,
      messageMappingSize: 17,
      sipsvcRecvQueueSize: 3,
      insupcRecvQueueSize: 7,
      insupcPendingRequests: 11,
    });
  });

  it('counts a missing source, or one without the INSUPC receive queue, as empty', () => {
    const older = { messageMappingSize: () => 2, workerQueueSize: () => 4, busyWorkers: () => 1 };
    const s = new GatewayStateService(
      config,
      new ServiceStateService(),
      undefined,
      undefined,
      older as unknown as SessionStateSource,
    );
    expect(s.status()).toMatchObject({
      serverSessionCount: 1,
      serverQueueSize: 4,
      clientSessionCount: 1,
      clientQueueSize: 4,
      messageMappingSize: 2,
      sipsvcRecvQueueSize: 0,
      insupcRecvQueueSize: 0,
      insupcPendingRequests: 0,
    });
  });
});

describe('GatewayStateService.state', () => {
  it('times are epoch milliseconds (UT_06_004)', () => {
    const s = new GatewayStateService(config, new ServiceStateService());
    const before = Date.now();
    const { timestamp } = s.state();
    expect(typeof timestamp).toBe('number');
    expect(timestamp).toBeGreaterThanOrEqual(before);
  });
});
