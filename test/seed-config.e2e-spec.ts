/**
 * Seed cases UT_02_001..004 (configured name, version, system name, ports) and UT_05_003
 * (client-side statistics) against a gateway on the ports its config names.
 */
import { connect } from 'node:net';
import { startSimulator, type InsupcSimulator } from '../apps/insupc-simulator/src';
import { startGateway, Gateway } from '../src/bootstrap';
import { gatewayPorts } from './support/real-processes';
import { http } from './support/http';
import { simulatorClients, waitRoutable } from './support/simulator-clients';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { testConfig } from './support/test-config';

const KNOWN_API = 'mcidGetProfile';

describe('seed configuration cases (UT_02) and client statistics (UT_05_003)', () => {
  let sim: InsupcSimulator;
  let gw: Gateway;
  let client: SipsvcTestClient;
  let httpPort: number;
  let sipsvcPort: number;

  beforeAll(async () => {
    sim = await startSimulator({
      logger: false,
      instances: [{ name: 'INSUPC-1' }],
      // query_error answers 0x10 for any API but the known ones
      activeScenario: 'query_error',
      apis: { known: [KNOWN_API] },
    });
    ({ http: httpPort, sipsvc: sipsvcPort } = await gatewayPorts());
    gw = await startGateway(
      testConfig({
        application: { name: 'insupclient', version: '0.0.1', systemName: 'AMAS-SES1' },
        server: { port: httpPort },
        tcp: { server: { port: sipsvcPort } },
        insupc: { clients: simulatorClients(sim) },
      }),
    );
    await waitRoutable(gw);
    client = await connectSipsvc(sipsvcPort);
    await client.authOk();
  });
  afterAll(async () => {
    client?.destroy();
    await gw?.close();
    await sim?.stop();
  });

  it('UT_02_001/002: GET /insupclient/v1/status names the configured application and version', async () => {
    const res = await http(httpPort, 'GET', '/insupclient/v1/status');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'insupclient', version: '0.0.1' });
  });

  it('UT_02_003: the statistics carry the configured system name', async () => {
    expect((await http(httpPort, 'GET', '/stat')).body).toMatchObject({ systemName: 'AMAS-SES1' });
  });

  it('UT_02_004: HTTP and SIPSVC listen on the configured ports', async () => {
    expect(gw.httpPort).toBe(httpPort);
    expect(gw.sipsvcPort).toBe(sipsvcPort);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(sipsvcPort, '127.0.0.1', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', reject);
    });
  });

  it('UT_05_003: 20 INSUPC queries of which 2 fail → client statistics 20/18/2', async () => {
    expect((await http(httpPort, 'POST', '/stat/init')).status).toBe(200);
    for (let i = 0; i < 20; i++) {
      const res = await client.execute(i < 18 ? KNOWN_API : 'unknownApi', [String(i)]);
      expect(res.result === 0).toBe(i < 18);
    }
    const stat = await http(httpPort, 'GET', '/stat');
    expect(stat.body.client['INSUPC-1']).toMatchObject({
      requests: 20,
      success: 18,
      failure: 2,
      success_rate: 90,
    });
  });
});
