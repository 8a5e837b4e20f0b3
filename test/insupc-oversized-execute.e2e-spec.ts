/**
 * Issue 14 item 1: one client's execute whose DB_QUERY_REQUEST would exceed
 * `insupc.max-frame-bytes` must not reach the INSUPC server (which would close the connection
 * and fail every other request on it with 9). It is answered 1 naming the limit, nothing is
 * sent, and other clients' requests in flight on the same INSUPC connection are answered as
 * usual. (The start-up WARN about `tcp.server.max-message-bytes` is unit-tested in
 * src/insupc/insupc-transport.service.spec.ts.)
 */
import { startSimulator, type InsupcSimulator } from '../apps/insupc-simulator/src';
import { Gateway, startGateway } from '../src/bootstrap';
import { simulatorClients, waitRoutable } from './support/simulator-clients';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { testConfig } from './support/test-config';

describe('INSUPC oversized execute (e2e)', () => {
  let sim: InsupcSimulator;
  let gw: Gateway;
  const clients: SipsvcTestClient[] = [];

  beforeAll(async () => {
    // answers late, so the other client's requests are in flight when the big one comes
    sim = await startSimulator({
      logger: false,
      instances: [{ name: 'INSUPC-1' }],
      responseDelayMs: 500,
    });
    const config = testConfig({
      tcp: { server: { maxMessageBytes: 4 * 1024 * 1024 } },
      insupc: { clients: simulatorClients(sim) }, // one connection: everything shares it
    });
    gw = await startGateway(config);
    await waitRoutable(gw);
    for (let i = 0; i < 2; i++) {
      const c = await connectSipsvc(gw.sipsvcPort, { timeoutMs: 10_000 });
      await c.authOk();
      clients.push(c);
    }
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await gw?.close();
    await sim?.stop();
  });

  it('refuses it with result 1 naming the limit; the other client’s in-flight requests are answered 0', async () => {
    const [good, bad] = clients;
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      good.execute('mcidGetProfile', [`0101234567${i}`]),
    );
    // 20 parameters of 60,000 bytes: about 1.2 MB encoded, over the default 1 MiB frame limit
    const big = await bad.execute('mcidGetProfile', Array(20).fill('x'.repeat(60_000)));
    expect(big).toMatchObject({ result: 1 });
    expect(String(big.resultDesc)).toContain('insupc.max-frame-bytes (1048576)');
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.result)).toEqual([0, 0, 0, 0, 0]);
    const stats = sim.stats().instances['INSUPC-1'];
    expect(stats.received.DB_QUERY_REQUEST).toBe(5);
    expect(stats.connectionsAccepted).toBe(1);
    expect(stats.protocolErrors).toBe(0);
  });
});
