/**
 * operations.md §8.1: TLS on the SIPSVC port (client certificates chained to a CA, cert-cn
 * pinning, both framings) and HTTPS on the admin port; certificates re-read on SIGHUP with
 * open connections kept, a bad file keeping the old ones. Certificates are made with the
 * openssl CLI (test/support/test-certs.ts).
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls, ConnectionOptions, PeerCertificate } from 'node:tls';
import { Gateway, startGateway } from '../src/bootstrap';
import { CertificateReloader } from '../src/tls/certificate-reloader';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { gatewayPorts, spawnGateway, TempDir } from './support/real-processes';
import { makeTestCerts, TestCerts } from './support/test-certs';
import { testConfig } from './support/test-config';
import { waitFor } from './support/wait-for';

/**
 * The gateway runs in this jest process, whose sandboxed `process` holds its listeners: the
 * signal is delivered to them as Node delivers a real one (the last test sends a real SIGHUP
 * to a gateway process).
 */
const sighup = (): boolean => process.emit('SIGHUP', 'SIGHUP');

const PINNED = { ip: '127.0.0.1', mac: '000000000001', authKey: 'TEST_AUTH_KEY_001' };

describe('TLS on the SIPSVC and admin ports (operations.md §8.1, e2e)', () => {
  let certs: TestCerts;
  let gw: Gateway;
  const open: SipsvcTestClient[] = [];

  const clientTls = (cn?: string): ConnectionOptions => ({
    ca: certs.read(certs.ca),
    servername: 'localhost',
    ...(cn
      ? { cert: certs.read(certs.clients[cn].cert), key: certs.read(certs.clients[cn].key) }
      : {}),
  });

  async function connect(tls: ConnectionOptions, port = gw.sipsvcPort): Promise<SipsvcTestClient> {
    const c = await connectSipsvc(port, { tls, timeoutMs: 3000 });
    open.push(c);
    return c;
  }

  /** the certificate a new TLS connection to `port` is shown (no client certificate sent). */
  function serverCertificate(port: number): Promise<PeerCertificate> {
    return new Promise((resolve, reject) => {
      const s = connectTls({ host: '127.0.0.1', port, ...clientTls() }, () => {
        const cert = s.getPeerCertificate();
        s.destroy();
        resolve(cert);
      });
      s.once('error', reject);
    });
  }

  function httpsGet(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: gw.httpPort,
          path,
          ca: certs.read(certs.ca),
          servername: 'localhost',
          agent: false,
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.once('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    certs = makeTestCerts({ clients: ['client-a', 'client-b'] });
    const tls = { enabled: true, certFile: certs.server.cert, keyFile: certs.server.key };
    gw = await startGateway(
      testConfig({
        server: { tls },
        tcp: { server: { tls: { ...tls, caFile: certs.ca, requireClientCert: true } } },
        security: {
          allowedClients: [
            { ...PINNED, certCn: 'client-a' },
            { ip: '10.0.0.0/8', mac: '*', authKey: 'OTHER' },
          ],
        },
      }),
    );
  });
  afterEach(() => open.splice(0).forEach((c) => c.destroy()));
  afterAll(async () => {
    await gw?.close();
    certs?.remove();
  });

  it('a plaintext client gets no answer and is closed', async () => {
    const received: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = connectTcp(gw.sipsvcPort, '127.0.0.1', () =>
        s.write(`${JSON.stringify({ cmd: 'auth', ipAddr: '127.0.0.1' })}\n`),
      );
      s.on('data', (d: Buffer) => received.push(d));
      s.once('close', () => resolve());
      s.once('error', () => undefined);
      setTimeout(() => reject(new Error('plaintext connection not closed')), 5000).unref();
    });
    expect(Buffer.concat(received).toString('latin1')).not.toContain('{');
  });

  it('a client without a certificate, or with one from another CA, is refused', async () => {
    const noCert = await connect(clientTls());
    await expect(noCert.auth()).rejects.toThrow();
    await noCert.waitClosed(3000);

    const other = certs.untrusted('stranger', 'client-a');
    const stranger = await connect({
      ...clientTls(),
      cert: certs.read(other.cert),
      key: certs.read(other.key),
    });
    await expect(stranger.auth()).rejects.toThrow();
    await stranger.waitClosed(3000);
  });

  it('the pinned CN authenticates; another CN of the same CA is refused', async () => {
    const a = await connect(clientTls('client-a'));
    expect(await a.auth()).toMatchObject({ result: 0, sessionState: 'ACTIVE' });
    expect(await a.heartbeat()).toMatchObject({ result: 0 });

    const b = await connect(clientTls('client-b'));
    expect(await b.auth()).toMatchObject({
      result: -1,
      resultDesc: 'Authentication failed - IP: 127.0.0.1, MAC: 000000000001 not allowed',
    });
    await b.waitClosed(3000);
  });

  it('the admin port speaks HTTPS only', async () => {
    expect(await httpsGet('/health/live')).toMatchObject({ status: 200 });
    await expect(fetch(`http://127.0.0.1:${gw.httpPort}/health/live`)).rejects.toThrow();
  });

  it('SIGHUP swaps the certificates for new connections and keeps open ones; a bad file changes nothing', async () => {
    const reloader = gw.app.get(CertificateReloader);
    const kept = await connect(clientTls('client-a'));
    await kept.authOk();
    const before = (await serverCertificate(gw.sipsvcPort)).fingerprint256;

    const renewed = certs.issue('server-renewed', 'localhost', true);
    copyFileSync(renewed.cert, certs.server.cert);
    copyFileSync(renewed.key, certs.server.key);
    const reloads = reloader.reloads;
    sighup();
    await waitFor(() => reloader.reloads > reloads, 5000, 'certificates reloaded');

    const after = (await serverCertificate(gw.sipsvcPort)).fingerprint256;
    expect(after).not.toBe(before);
    expect((await serverCertificate(gw.httpPort)).fingerprint256).toBe(after);
    expect(await kept.heartbeat()).toMatchObject({ result: 0 });
    const fresh = await connect(clientTls('client-a'));
    expect(await fresh.auth()).toMatchObject({ result: 0 });

    writeFileSync(certs.server.cert, 'not a certificate\n');
    sighup();
    await waitFor(() => reloader.reloads > reloads + 1, 5000, 'second reload tried');
    expect((await serverCertificate(gw.sipsvcPort)).fingerprint256).toBe(after);
    expect(await kept.heartbeat()).toMatchObject({ result: 0 });
  });

  it('length-prefixed framing works inside TLS too', async () => {
    const own = certs.issue('server-lp', 'localhost', true);
    const tls = { enabled: true, certFile: own.cert, keyFile: own.key };
    const lp = await startGateway(
      testConfig({ tcp: { server: { framing: 'length-prefixed', tls } } }),
    );
    try {
      const c = await connectSipsvc(lp.sipsvcPort, {
        framing: 'length-prefixed',
        tls: clientTls(),
      });
      open.push(c);
      expect(await c.auth()).toMatchObject({ result: 0 });
      expect(await c.heartbeat()).toMatchObject({ result: 0 });
    } finally {
      await lp.close();
    }
  });

  it('a real SIGHUP to the gateway process swaps the certificate; the open TLS client stays', async () => {
    const dir = new TempDir();
    const ports = await gatewayPorts();
    const first = certs.issue('proc-1', 'localhost', true);
    const [certFile, keyFile] = [dir.file('tls.crt'), dir.file('tls.key')];
    copyFileSync(first.cert, certFile);
    copyFileSync(first.key, keyFile);
    const tlsKeys = `tls: { enabled: true, cert-file: ${certFile}, key-file: ${keyFile} }`;
    const proc = spawnGateway(
      dir.write(
        'gateway.yaml',
        [
          `server: { host: 127.0.0.1, port: ${ports.http} }`,
          `tcp: { server: { host: 127.0.0.1, port: ${ports.sipsvc}, ${tlsKeys} } }`,
          'security:',
          '  allowed-clients:',
          '    - { ip: 127.0.0.1, mac: "000000000001", auth-key: TEST_AUTH_KEY_001 }',
          'insupc: { clients: [{ name: INSUPC-1, host: 127.0.0.1, port: 1 }] }',
          `oam: { config: { path: ${dir.file('oam.json')} } }`,
          'application: { state-server: { stat-file: "" } }',
        ].join('\n'),
      ),
    );
    try {
      await waitFor(() => proc.output().includes('SIPSVC server listening'), 20000, 'listening');
      const kept = await connect(clientTls(), ports.sipsvc);
      await kept.authOk();
      const before = (await serverCertificate(ports.sipsvc)).fingerprint256;
      const renewed = certs.issue('proc-2', 'localhost', true);
      copyFileSync(renewed.cert, certFile);
      copyFileSync(renewed.key, keyFile);
      proc.proc.kill('SIGHUP');
      await waitFor(
        () => proc.output().includes('TLS certificates of tcp.server.tls reloaded (SIGHUP)'),
        5000,
        'reload line',
      );
      expect((await serverCertificate(ports.sipsvc)).fingerprint256).not.toBe(before);
      expect(await kept.heartbeat()).toMatchObject({ result: 0 });
      expect(proc.alive).toBe(true);
    } finally {
      await proc.kill('SIGTERM');
      dir.remove();
    }
  });
});
