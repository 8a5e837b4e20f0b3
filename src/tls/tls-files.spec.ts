import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TlsConfig } from '../config/config.schema';
import { clientCertOptions, loadTlsContext, TlsFilesError } from './tls-files';

const tls = (over: Partial<TlsConfig>): TlsConfig => Object.assign(new TlsConfig(), over);

describe('TLS files (operations spec §8.1)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'tls-files-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file names the key and the path', async () => {
    const cfg = tls({
      enabled: true,
      certFile: join(dir, 'none.crt'),
      keyFile: join(dir, 'none.key'),
    });
    await expect(loadTlsContext('tcp.server.tls', cfg)).rejects.toThrow(
      new TlsFilesError(
        `tcp.server.tls.cert-file ${join(dir, 'none.crt')} cannot be read (ENOENT)`,
      ),
    );
  });

  it('files that are not a certificate and key name the key, never their content', async () => {
    const secret = 'SECRET-KEY-MATERIAL';
    const certFile = join(dir, 'bad.crt');
    const keyFile = join(dir, 'bad.key');
    writeFileSync(certFile, `not a certificate ${secret}\n`);
    writeFileSync(keyFile, `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----\n`);
    const err = await loadTlsContext('server.tls', tls({ enabled: true, certFile, keyFile })).catch(
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(TlsFilesError);
    expect((err as Error).message).toMatch(/^server\.tls: .* are not a usable certificate/);
    expect((err as Error).message).not.toContain(secret);
  });

  it('client certificates are requested with a ca-file and required with require-client-cert', () => {
    expect(clientCertOptions(tls({}))).toEqual({ requestCert: false, rejectUnauthorized: false });
    expect(clientCertOptions(tls({ caFile: '/ca.pem', requireClientCert: true }))).toEqual({
      requestCert: true,
      rejectUnauthorized: true,
    });
  });
});
