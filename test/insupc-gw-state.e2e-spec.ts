/**
 * The INSUPC transport inside the whole gateway: what operators see over HTTP
 * (/state insupcConnections, /stat counters, /health/ready) and DB_RELEASE_REQUEST on close.
 */
import { startSimulator, type InsupcSimulator } from '../apps/insupc-simulator/src';
import { MsgCode } from '../libs/insupc-protocol/src';
import { Gateway, startGateway } from '../src/bootstrap';
import { INSUPC_QUERY, InsupcQueryPort } from '../src/contracts/insupc-query.port';
import { FAST_CLIENT } from './insupc-gw-harness';
import { http } from './support/http';
import { waitFor } from './support/wait-for';
import { simulatorClients } from './support/simulator-clients';
import { testConfig } from './support/test-config';

describe('INSUPC transport in the gateway (e2e)', () => {
  let sim: InsupcSimulator;
  let gw: Gateway | undefined;

  beforeAll(async () => {
    sim = await startSimulator({
      logger: false,
      instances: [
        { name: 'INSUPC-1', dbStatus: 'MA' },
        { name: 'INSUPC-2', dbStatus: 'MS' },
      ],
    });
    gw = await startGateway(
      testConfig({
        insupc: { clients: simulatorClients(sim, FAST_CLIENT) },
      }),
    );
  });
  afterAll(async () => {
    await gw?.close();
    await sim?.stop();
  });

  const get = (path: string) => http(gw!.httpPort, 'GET', path);

  it('GET /state lists every INSUPC server with its status and pool', async () => {
    await waitFor(
      () => sim.loggedOn('INSUPC-1') === 1 && sim.loggedOn('INSUPC-2') === 1,
      5000,
      'both logged on',
    );
    let servers: Record<string, unknown>[] = [];
    // the gateway sees the DB_ACCESS_RESPONSE a moment after the simulator sent it
    const deadline = Date.now() + 5000;
    do {
      servers = (await get('/state')).body.insupcConnections as Record<string, unknown>[];
    } while (!servers.every((s) => s.routable) && Date.now() < deadline);
    expect(servers).toEqual([
      expect.objectContaining({
        name: 'INSUPC-1',
        host: '127.0.0.1',
        port: sim.port('INSUPC-1'),
        dbStatus: 'MA',
        availableConnections: 1,
        activeRequests: 0,
        totalConnections: 1,
        isAvailable: true,
        routable: true,
      }),
      // the original's isAvailable is MA only; an MS server is still routable (a lower tier)
      expect.objectContaining({
        name: 'INSUPC-2',
        dbStatus: 'MS',
        isAvailable: false,
        routable: true,
      }),
    ]);
    expect((await get('/health/ready')).status).toBe(200);
  });

  it('queries through INSUPC_QUERY are counted per server in /stat', async () => {
    const port = gw!.app.get<InsupcQueryPort>(INSUPC_QUERY);
    await expect(port.query('mcidGetProfile', ['01012345678'])).resolves.toMatchObject({
      server: 'INSUPC-1',
      result: 0x01,
    });
    const stat = JSON.stringify((await get('/stat')).body);
    expect(stat).toContain('INSUPC-1');
    expect(sim.received('INSUPC-1', MsgCode.DB_QUERY_REQUEST)).toBe(1);
  });

  it('closing the gateway sends DB_RELEASE_REQUEST on every INSUPC connection', async () => {
    await gw!.close();
    gw = undefined;
    await waitFor(
      () =>
        sim.received('INSUPC-1', MsgCode.DB_RELEASE_REQUEST) === 1 &&
        sim.received('INSUPC-2', MsgCode.DB_RELEASE_REQUEST) === 1,
      5000,
      'one DB_RELEASE_REQUEST per connection',
    );
    await waitFor(
      () => sim.connections('INSUPC-1') + sim.connections('INSUPC-2') === 0,
      5000,
      'connections closed',
    );
  });
});
