/**
 * The image's HEALTHCHECK command (`node dist/src/health/liveness-probe.js`, built by
 * `npm run test:e2e`): exit 0 when the gateway of the given config answers /health/live,
 * 1 when nothing listens on its admin port. The admin port comes from the config file and
 * its env overrides, as in the container.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Gateway, startGateway } from '../src/bootstrap';
import { freePort, TempDir } from './support/real-processes';
import { makeTestCerts } from './support/test-certs';
import { testConfig } from './support/test-config';

const PROBE = join(__dirname, '..', 'dist', 'src', 'health', 'liveness-probe.js');

/** Runs the probe (asynchronously: the gateway under test lives in this process). */
function probe(
  configPath: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [PROBE, '--config', configPath],
      { encoding: 'utf8', timeout: 15000, env: { ...process.env, INSUPCLIENT_CONFIG: '', ...env } },
      (_err, _stdout, stderr) => resolve({ status: child.exitCode, stderr }),
    );
  });
}

describe('liveness probe of the container image (e2e)', () => {
  const dir = new TempDir();
  let gw: Gateway;
  let config: string;

  beforeAll(async () => {
    gw = await startGateway(testConfig());
    config = dir.write(
      'insupclient.yaml',
      `server: { host: 0.0.0.0, port: ${gw.httpPort} }
insupc: { clients: [{ name: INSUPC-1, host: 127.0.0.1, port: 1 }] }
`,
    );
  });
  afterAll(async () => {
    await gw?.close();
    dir.remove();
  });

  it('exits 0 while /health/live answers on the configured port', async () => {
    expect(await probe(config)).toEqual({ status: 0, stderr: '' });
  });

  it('exits 1 naming the failure when nothing listens there (port from the env)', async () => {
    const r = await probe(config, { INSUPCLIENT_SERVER_PORT: String(await freePort()) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/liveness probe failed: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
  });
});

describe('liveness probe with an HTTPS admin port (server.tls, e2e)', () => {
  const dir = new TempDir();
  const certs = makeTestCerts({ clients: [] });
  let gw: Gateway;
  let config: string;

  beforeAll(async () => {
    const base = testConfig();
    base.server.tls.enabled = true;
    base.server.tls.certFile = certs.server.cert;
    base.server.tls.keyFile = certs.server.key;
    gw = await startGateway(base);
    config = dir.write(
      'insupclient.yaml',
      `server:
  host: 0.0.0.0
  port: ${gw.httpPort}
  tls: { enabled: true, cert-file: ${certs.server.cert}, key-file: ${certs.server.key} }
insupc: { clients: [{ name: INSUPC-1, host: 127.0.0.1, port: 1 }] }
`,
    );
  });
  afterAll(async () => {
    await gw?.close();
    dir.remove();
    certs.remove();
  });

  it('exits 0 over HTTPS', async () => {
    expect(await probe(config)).toEqual({ status: 0, stderr: '' });
  });

  it('a plain-HTTP probe of the HTTPS port fails (what the probe did before)', async () => {
    const plain = dir.write(
      'plain.yaml',
      `server: { host: 0.0.0.0, port: ${gw.httpPort} }
insupc: { clients: [{ name: INSUPC-1, host: 127.0.0.1, port: 1 }] }
`,
    );
    expect((await probe(plain)).status).toBe(1);
  });
});
