import { startGateway, Gateway } from '../src/bootstrap';
import { testConfig } from './support/test-config';

describe('gateway start-up (e2e)', () => {
  let gw: Gateway;

  beforeAll(async () => {
    gw = await startGateway(testConfig());
  });
  afterAll(() => gw?.close());

  it('serves /health/live over real HTTP', async () => {
    const res = await fetch(`http://127.0.0.1:${gw.httpPort}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});
