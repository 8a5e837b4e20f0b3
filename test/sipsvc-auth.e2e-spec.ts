/**
 * UT_01 (session authentication) and UT_03_001 (max-connections) of the seed test plan, over
 * real sockets against the whole gateway.
 */
import { Gateway, startGateway } from '../src/bootstrap';
import { SIPSVC_STATE, SipsvcStateSource } from '../src/contracts/state-sources';
import { AppConfig } from '../src/config/config.schema';
import { ServiceStateService } from '../src/oam/service-state.service';
import { SipsvcCounters } from '../src/sipsvc/sipsvc.counters';
import {
  base64,
  connectSipsvc,
  expectedToken,
  SipsvcTestClient,
} from './support/sipsvc-test-client';
import { waitFor } from './support/wait-for';
import { testConfig } from './support/test-config';

const NOT_ALLOWED = (ip: string, mac: string): string =>
  `Authentication failed - IP: ${ip}, MAC: ${mac} not allowed`;

describe('SIPSVC authentication (UT_01, e2e)', () => {
  let gw: Gateway;
  let config: AppConfig;
  const open: SipsvcTestClient[] = [];

  async function connect(): Promise<SipsvcTestClient> {
    const c = await connectSipsvc(gw.sipsvcPort);
    open.push(c);
    return c;
  }

  async function expectRefused(c: SipsvcTestClient, fields: Record<string, unknown>, text: string) {
    const res = await c.auth({ reqNo: '20241022143000.00000', ...fields });
    expect(res).toEqual({
      cmd: 'auth',
      reqNo: '20241022143000.00000',
      result: -1,
      resultDesc: text,
      sessionState: null,
    });
    await c.waitClosed(3000);
  }

  beforeAll(async () => {
    config = testConfig({
      security: {
        allowedClients: [
          { ip: '127.0.0.1', mac: '000000000001', authKey: 'TEST_AUTH_KEY_001' },
          { ip: '10.20.0.0/16', mac: '*', authKey: 'CIDR_TEST_KEY' },
        ],
      },
    });
    gw = await startGateway(config);
  });
  afterEach(() => open.splice(0).forEach((c) => c.destroy()));
  afterAll(() => gw?.close());

  it('UT_01_001/003/005: a whitelisted IP, MAC and key get a token for this connection', async () => {
    const c = await connect();
    const res = await c.auth({ reqNo: '20241022143000.00000' });
    expect(res).toMatchObject({
      cmd: 'auth',
      reqNo: '20241022143000.00000',
      result: 0,
      resultDesc: 'Completed successfully',
      sessionState: 'ACTIVE',
      token: expectedToken('127.0.0.1', c.localPort),
    });
    expect(typeof res.timestamp).toBe('number');
    const hb = await c.heartbeat();
    expect(hb).toMatchObject({ cmd: 'heartBeat', result: 0, resultDesc: 'Completed successfully' });
  });

  it('UT_01_001/003/005 phase 2: wildcard entries (ip, mac, key) apply from the next auth', async () => {
    const saved = config.security.allowedClients;
    try {
      config.security.allowedClients = [
        ...saved,
        { ip: '*', mac: '*', authKey: 'WILDCARD_TEST_KEY' },
        { ip: '172.16.0.9', mac: 'aabbccddeeff', authKey: '*' },
      ];
      const a = await connect();
      expect(
        await a.auth({
          ipAddr: '192.168.100.200',
          macAddr: 'AABBCCDDEEFF',
          accessKey: 'V0lMRENBUkRfVEVTVF9LRVk=',
        }),
      ).toMatchObject({ result: 0, sessionState: 'ACTIVE' });
      const b = await connect();
      expect(
        await b.auth({ ipAddr: '172.16.0.9', macAddr: 'AABBCCDDEEFF', accessKey: base64('any') }),
      ).toMatchObject({ result: 0 });
    } finally {
      config.security.allowedClients = saved;
    }
  });

  it('allows an ipAddr inside a CIDR entry and refuses one outside it', async () => {
    const a = await connect();
    expect(
      await a.auth({ ipAddr: '10.20.3.4', macAddr: 'AB', accessKey: base64('CIDR_TEST_KEY') }),
    ).toMatchObject({ result: 0 });
    const b = await connect();
    await expectRefused(
      b,
      { ipAddr: '10.21.0.1', macAddr: 'AB', accessKey: base64('CIDR_TEST_KEY') },
      NOT_ALLOWED('10.21.0.1', 'AB'),
    );
  });

  it('UT_01_002: a non-whitelisted IP is refused and the connection closed', async () => {
    await expectRefused(
      await connect(),
      { ipAddr: '10.0.0.1', macAddr: '001122334455' },
      NOT_ALLOWED('10.0.0.1', '001122334455'),
    );
  });

  it('UT_01_004: an unknown MAC is refused and the connection closed', async () => {
    await expectRefused(
      await connect(),
      { macAddr: 'FFFFFFFFFFFF' },
      NOT_ALLOWED('127.0.0.1', 'FFFFFFFFFFFF'),
    );
  });

  it('UT_01_006: a wrong (valid Base64) key is refused with the IP/MAC text', async () => {
    await expectRefused(
      await connect(),
      { accessKey: 'aW52YWxpZGtleQ==' },
      NOT_ALLOWED('127.0.0.1', '000000000001'),
    );
  });

  it('a key that is not Base64 is refused with the decoding-error text', async () => {
    await expectRefused(
      await connect(),
      { accessKey: 'TEST_AUTH_KEY_001' },
      'Authentication failed - Invalid access key format (Base64 decoding error)',
    );
  });

  it('refuses auth while the service is BLOCKED', async () => {
    const state = gw.app.get(ServiceStateService);
    state.set('BLOCKED');
    try {
      await expectRefused(await connect(), {}, 'Authentication failed - Service blocked');
    } finally {
      state.set('RUNNING');
    }
  });

  it('with verify-peer-address, ipAddr must be the TCP peer address', async () => {
    config.security.verifyPeerAddress = true;
    const saved = config.security.allowedClients;
    config.security.allowedClients = [{ ip: '*', mac: '*', authKey: '*' }];
    try {
      await expectRefused(
        await connect(),
        { ipAddr: '10.0.0.5' },
        NOT_ALLOWED('10.0.0.5', '000000000001'),
      );
      expect(await (await connect()).auth()).toMatchObject({ result: 0 });
    } finally {
      config.security.verifyPeerAddress = false;
      config.security.allowedClients = saved;
    }
  });

  it('a command before auth is answered "Not authenticated" and the connection closed', async () => {
    const c = await connect();
    const res = await c.request({ cmd: 'heartBeat', token: 'x', reqNo: 'R1' });
    expect(res).toEqual({
      cmd: 'heartBeat',
      reqNo: 'R1',
      result: 2,
      resultDesc: 'Not authenticated',
    });
    await c.waitClosed(3000);
  });

  it("a token from another connection is rejected ('Invalid token') and the connection stays", async () => {
    const a = await connect();
    const b = await connect();
    const tokenA = await a.authOk();
    const tokenB = await b.authOk();
    expect(tokenA).not.toBe(tokenB);
    expect(await b.heartbeat(tokenA)).toMatchObject({ result: 2, resultDesc: 'Invalid token' });
    expect(await b.request({ cmd: 'heartBeat' })).toMatchObject({
      result: 2,
      resultDesc: 'Invalid token',
    });
    expect(await b.execute('mcidGetProfile', ['1'], { token: tokenA })).toMatchObject({
      cmd: 'execute',
      seq: '001',
      result: 2,
      resultDesc: 'Invalid token',
    });
    expect(await b.heartbeat(tokenB)).toMatchObject({ result: 0 });
  });

  it('matches cmd case-insensitively and echoes it as sent; unknown cmds get result 1', async () => {
    const c = await connect();
    await c.authOk({ cmd: 'AUTH' });
    for (const cmd of ['heartbeat', 'heartBeat', 'HeartBeat', 'HEARTBEAT']) {
      expect(await c.heartbeat(c.token, cmd)).toMatchObject({ cmd, result: 0 });
    }
    expect(await c.request({ cmd: 'fooBar', token: c.token, reqNo: 'R9', seq: 7 })).toEqual({
      cmd: 'fooBar',
      reqNo: 'R9',
      seq: 7,
      result: 1,
      resultDesc: 'Unknown cmd: fooBar',
    });
    expect(await c.heartbeat()).toMatchObject({ result: 0 });
  });

  it('UT_03_001: max-connections counts authenticated connections only, with release', async () => {
    const saved = config.tcp.server.maxConnections;
    const state = gw.app.get<SipsvcStateSource>(SIPSVC_STATE);
    await waitFor(() => state.describeConnections().authenticated === 0);
    config.tcp.server.maxConnections = 2;
    try {
      const idle = await connect(); // connected, never authenticated: not counted
      const c1 = await connect();
      const c2 = await connect();
      await c1.authOk();
      await c2.authOk();
      const c3 = await connect();
      await expectRefused(
        c3,
        {},
        'Authentication failed - Maximum connection limit exceeded (2/2)',
      );
      expect(idle.isClosed).toBe(false);
      await c1.close();
      await waitFor(() => state.describeConnections().authenticated === 1);
      const c4 = await connect();
      await c4.authOk();
      expect(await c2.heartbeat()).toMatchObject({ result: 0 });
    } finally {
      config.tcp.server.maxConnections = saved;
    }
  });

  it('describes connections for GET /state and feeds the statistics', async () => {
    const stats = gw.app.get(SipsvcCounters);
    const before = { ...stats.auth, rejected: stats.connectionsRejected };
    const c = await connect();
    await c.authOk();
    await c.heartbeat();
    await expectRefused(await connect(), { macAddr: 'X' }, NOT_ALLOWED('127.0.0.1', 'X'));
    const state = gw.app.get<SipsvcStateSource>(SIPSVC_STATE);
    const mine = state.describeConnections().connections.find((x) => x.clientPort === c.localPort);
    expect(mine).toMatchObject({
      connectionId: `conn_127.0.0.1_${c.localPort}`,
      clientIp: '127.0.0.1',
      authenticated: true,
      totalRequests: 2,
    });
    // epoch ms as in the original (UT_06_004), 0 = no heartbeat yet
    const now = Date.now();
    for (const t of [mine!.connectionTime, mine!.lastActivityTime, mine!.lastHeartbeatTime]) {
      expect(t).toBeGreaterThan(now - 60_000);
      expect(t).toBeLessThanOrEqual(now);
    }
    const fresh = await connect();
    const pending = () =>
      state.describeConnections().connections.find((x) => x.clientPort === fresh.localPort);
    await waitFor(() => pending() !== undefined, 2000, 'the new connection accepted');
    expect(pending()).toMatchObject({ authenticated: false, lastHeartbeatTime: 0 });
    fresh.destroy();
    expect(state.isListening()).toBe(true);
    expect(state.port()).toBe(gw.sipsvcPort);
    expect(stats.auth.attempts - before.attempts).toBe(2);
    expect(stats.auth.success - before.success).toBe(1);
    expect(stats.auth.failure - before.failure).toBe(1);
    expect(stats.connectionsRejected - before.rejected).toBe(1);
  });
});

// UT_01_007..009 and connection-timeout run on fake time in src/sipsvc/sipsvc-timers.spec.ts;
// this checks only that the sweep is wired into the running gateway.
describe('SIPSVC connection timers (e2e wiring)', () => {
  let gw: Gateway;
  let client: SipsvcTestClient | undefined;

  beforeAll(async () => {
    gw = await startGateway(testConfig({ tcp: { server: { authTimeout: 300 } } }));
  });
  afterAll(async () => {
    client?.destroy();
    await gw?.close();
  });

  it('UT_01_007: a connection that never authenticates is closed by the sweep', async () => {
    client = await connectSipsvc(gw.sipsvcPort);
    // auth-timeout + one sweep period (1 s) + slack
    await client.waitClosed(300 + 1000 + 2000);
  });
});
