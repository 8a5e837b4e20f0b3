/** `security.admin-token`: admin routes need the Bearer token; /health and /metrics do not. */
import { startGateway, Gateway } from '../src/bootstrap';
import { testConfig } from './support/test-config';
import { TempDir } from './support/real-processes';
import { http } from './support/http';

describe('admin token (e2e)', () => {
  const dir = new TempDir();
  let gw: Gateway;

  beforeAll(async () => {
    dir.write('oam-conf.json', '{"appStates":{"insupclient":"RUNNING"}}');
    gw = await startGateway(
      testConfig({
        security: { adminToken: 's3cret-token' },
        oam: { config: { path: dir.file('oam-conf.json') } },
      }),
    );
  });
  afterAll(async () => {
    await gw?.close();
    dir.remove();
  });

  it.each([
    ['GET', '/state'],
    ['POST', '/state?state=BLOCKED'],
    ['GET', '/stat'],
    ['POST', '/stat/init'],
    ['GET', '/insupclient/v1/status'],
    ['POST', '/insupclient/v1/config/actions/reload'],
    ['GET', '/docs'],
    ['GET', '/docs/'],
    ['GET', '/docs-json'],
    ['GET', '/docs-yaml'],
  ] as const)('%s %s → 401 without or with a wrong token', async (method, path) => {
    const none = await http(gw.httpPort, method, path);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await http(gw.httpPort, method, path, { token: 's3cret-tokeX' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toMatch(/admin token/);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('serves the API docs with the right token', async () => {
    const json = await http(gw.httpPort, 'GET', '/docs-json', { token: 's3cret-token' });
    expect(json.status).toBe(200);
    expect(json.body.info.title).toBe('insupclient admin API');
    const ui = await http(gw.httpPort, 'GET', '/docs', { token: 's3cret-token' });
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('accepts the right token', async () => {
    const res = await http(gw.httpPort, 'POST', '/state?state=BLOCKED', { token: 's3cret-token' });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('BLOCKED');
    expect((await http(gw.httpPort, 'GET', '/state', { token: 's3cret-token' })).body.state).toBe(
      'BLOCKED',
    );
  });

  it('leaves /health/* and /metrics open', async () => {
    expect((await http(gw.httpPort, 'GET', '/health/live')).status).toBe(200);
    expect((await http(gw.httpPort, 'GET', '/metrics')).status).toBe(200);
    // not ready (no INSUPC reachable), but answered rather than refused
    expect((await http(gw.httpPort, 'GET', '/health/ready')).status).toBe(503);
  });
});
