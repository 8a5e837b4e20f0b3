/**
 * operations.md §8.4: failed auths from one address block that address's new connections;
 * another address (127.0.0.2, also loopback) is still served. Counted on /metrics.
 */
import { connect as connectTcp } from 'node:net';
import { Gateway, startGateway } from '../src/bootstrap';
import { http } from './support/http';
import { base64, connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { testConfig } from './support/test-config';

const MAX_PER_IP = 3;

/** resolves with the bytes received once the gateway closed a raw connection from `from`. */
function closedAtOnce(port: number, from: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    const s = connectTcp({ host: '127.0.0.1', port, localAddress: from });
    s.on('data', (d: Buffer) => got.push(d));
    s.once('error', () => undefined);
    s.once('close', () => resolve(Buffer.concat(got)));
    setTimeout(() => reject(new Error(`connection from ${from} not closed`)), 3000).unref();
  });
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

describe('auth failure throttle (operations.md §8.4, e2e)', () => {
  let gw: Gateway;
  const open: SipsvcTestClient[] = [];

  async function connect(localAddress: string): Promise<SipsvcTestClient> {
    const c = await connectSipsvc(gw.sipsvcPort, { localAddress, timeoutMs: 3000 });
    open.push(c);
    return c;
  }

  beforeAll(async () => {
    gw = await startGateway(
      testConfig({
        // auth-timeout long: only the throttle may close the connections of this spec
        tcp: { server: { authTimeout: 30_000 } },
        security: {
          authFailure: { maxPerIp: MAX_PER_IP, window: 60_000, blockTime: 60_000 },
          allowedClients: [
            { ip: '127.0.0.1', mac: '000000000001', authKey: 'TEST_AUTH_KEY_001' },
            { ip: '127.0.0.2', mac: '000000000002', authKey: 'TEST_AUTH_KEY_002' },
          ],
        },
      }),
    );
  });
  afterEach(() => open.splice(0).forEach((c) => c.destroy()));
  afterAll(() => gw?.close());

  it('blocks 127.0.0.1 after max-per-ip wrong keys; 127.0.0.2 stays served', async () => {
    const before = await http(gw.httpPort, 'GET', '/metrics');
    expect(metric(before.text, 'insupclient_blocked_addresses')).toBe(0);

    for (let i = 0; i < MAX_PER_IP; i++) {
      const c = await connect('127.0.0.1');
      expect(await c.auth({ accessKey: base64(`GUESS_${i}`) })).toMatchObject({ result: -1 });
      await c.waitClosed(3000);
    }
    // the next connection from 127.0.0.1 is closed before any message is read
    expect((await closedAtOnce(gw.sipsvcPort, '127.0.0.1')).length).toBe(0);
    // even with the right key: the connection is gone before the auth is read
    const blocked = await connect('127.0.0.1');
    await expect(blocked.auth()).rejects.toThrow();

    const other = await connect('127.0.0.2');
    expect(
      await other.auth({
        ipAddr: '127.0.0.2',
        macAddr: '000000000002',
        accessKey: base64('TEST_AUTH_KEY_002'),
      }),
    ).toMatchObject({ result: 0 });
    expect(await other.heartbeat()).toMatchObject({ result: 0 });

    const after = await http(gw.httpPort, 'GET', '/metrics');
    expect(metric(after.text, 'insupclient_auth_failures_total')).toBe(MAX_PER_IP);
    expect(metric(after.text, 'insupclient_blocked_addresses')).toBe(1);
  });
});
