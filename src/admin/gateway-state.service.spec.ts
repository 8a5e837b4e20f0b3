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
  busyWorkers: () => 13,
  insupcRecvQueueSize: () => 7,
});

describe('GatewayStateService.status', () => {
  it("has the original's meanings: server* = busy workers and worker queue, client* = the same (UT_02_005)", () => {
    const s = new GatewayStateService(
      config.application,
      new ServiceStateService(),
      sipsvc,
      insupc,
      sessions,
    );
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
    const older = sessionView({
      messageMappingSize: () => 2,
      workerQueueSize: () => 4,
      busyWorkers: () => 1,
    });
    const s = new GatewayStateService(
      config.application,
      new ServiceStateService(),
      undefined,
      undefined,
      older,
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
    const s = new GatewayStateService(config.application, new ServiceStateService());
    const before = Date.now();
    const { timestamp } = s.state();
    expect(typeof timestamp).toBe('number');
    expect(timestamp).toBeGreaterThanOrEqual(before);
  });
});

const connection = (connectionId: string) => ({
  connectionId,
  clientIp: '127.0.0.1',
  clientPort: 1,
  authenticated: true,
  connectionTime: 0,
  lastActivityTime: 0,
  totalRequests: 0,
  lastHeartbeatTime: 0,
});

describe('GatewayStateService.stateJson (operations spec §8.5)', () => {
  function withConnections(initial: number) {
    let n = initial;
    let lists = 0;
    const source = sipsvcView({
      describeConnections: (limit = Infinity) => {
        if (limit > 0) lists++;
        const listed = Math.min(n, limit);
        return {
          total: n,
          authenticated: n,
          connections: Array.from({ length: listed }, (_, i) => connection(`c${i}$&$'`)),
        };
      },
    });
    const s = new GatewayStateService(config.application, new ServiceStateService(), source);
    let now = 0;
    s.now = () => now;
    return {
      s,
      lists: () => lists,
      advance: (ms: number) => (now += ms),
      connect: (k: number) => (n += k),
    };
  }

  it('builds the connection list at most once per second, however many callers', () => {
    const { s, lists, advance } = withConnections(3);
    const first = JSON.parse(s.stateJson());
    expect(first.sipsvcConnections.connections).toHaveLength(3);
    for (let i = 0; i < 50; i++) {
      expect(JSON.parse(s.stateJson()).sipsvcConnections).toEqual(first.sipsvcConnections);
    }
    advance(999);
    s.stateJson();
    expect(lists()).toBe(1);
    advance(1);
    s.stateJson();
    expect(lists()).toBe(2);
  });

  it('keeps the counts and everything else exact at every call', () => {
    const { s, connect } = withConnections(3);
    s.stateJson();
    connect(2);
    const doc = JSON.parse(s.stateJson());
    expect(doc.sipsvcConnections).toMatchObject({ total: 5, authenticated: 5 });
    expect(doc.sipsvcConnections.connections).toHaveLength(3);
    expect(Object.keys(doc)).toEqual(Object.keys(s.state()));
    expect(doc.sipsvcConnections.connections[0].connectionId).toBe("c0$&$'");
  });

  it('lists at most limit connections (1000 by default); the counts stay exact', () => {
    const { s } = withConnections(1500);
    const byDefault = JSON.parse(s.stateJson()).sipsvcConnections;
    expect(byDefault.total).toBe(1500);
    expect(byDefault.authenticated).toBe(1500);
    expect(byDefault.connections).toHaveLength(1000);
    const two = JSON.parse(s.stateJson(2)).sipsvcConnections;
    expect(two).toMatchObject({ total: 1500, authenticated: 1500 });
    expect(two.connections).toHaveLength(2);
  });

  it('keeps a bounded number of distinct limits', () => {
    const { s, lists } = withConnections(10);
    for (let limit = 1; limit <= 100; limit++) s.stateJson(limit);
    expect(lists()).toBe(100);
    s.stateJson(100);
    expect(lists()).toBe(100);
    s.stateJson(1);
    expect(lists()).toBe(101);
  });
});
