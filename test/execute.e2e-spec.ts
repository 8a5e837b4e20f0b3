/**
 * Execute pipeline end to end: a real gateway (SIPSVC listener, INSUPC transport, execute
 * pipeline) on ephemeral loopback ports, talking to a real in-process INSUPC simulator.
 */
import { SESSION_STATE, SessionStateSource } from '../src/common/state-sources';
import { startGateway, Gateway } from '../src/bootstrap';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { testConfig } from './support/test-config';

describe('execute pipeline (e2e, no INSUPC reachable)', () => {
  let gw: Gateway;
  let client: SipsvcTestClient;
  let sessions: SessionStateSource;

  beforeAll(async () => {
    gw = await startGateway(
      testConfig({ insupc: { clients: [{ name: 'INSUPC-1', host: '127.0.0.1', port: 1 }] } }),
    );
    sessions = gw.app.get<SessionStateSource>(SESSION_STATE);
    client = await connectSipsvc(gw.sipsvcPort);
    await client.authOk();
  });
  afterAll(async () => {
    await client?.close();
    await gw?.close();
  });

  it('no routable server → result 5 at once, no session left', async () => {
    const started = Date.now();
    const res = await client.execute('mcidGetProfile', ['01012345678'], {
      reqNo: 'NB1',
      seq: '007',
    });
    expect(res).toMatchObject({
      cmd: 'execute',
      reqNo: 'NB1',
      seq: '007',
      result: 5,
      resultCode: 5,
      resultDesc: 'No INSUPC server available',
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sessions.messageMappingSize()).toBe(0);
  });

  it('malformed execute body → result 1 naming the problem', async () => {
    const res = await client.request({ cmd: 'execute', token: client.token, reqNo: 'BAD1' });
    expect(res).toMatchObject({
      result: 1,
      resultDesc: 'Missing field: reqBody.apiName (or service)',
    });
  });
});
