/**
 * Certificates for TLS tests, made at test time with the `openssl` CLI (Debian package
 * `openssl`) into a temp dir: a CA, a server certificate for 127.0.0.1/localhost, and
 * client certificates with the CNs asked for, all signed by the CA. A second CA makes
 * certificates no client trusts. RSA 2048, valid for a day.
 *
 *   const certs = makeTestCerts({ clients: ['client-a', 'client-b'] });
 *   certs.server.cert; certs.clients['client-a'].key; certs.ca;   // file paths
 *   certs.remove();
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertFiles {
  cert: string;
  key: string;
}

export interface TestCerts {
  dir: string;
  /** the CA certificate file (what the gateway's ca-file and the clients' `ca` name). */
  ca: string;
  /** CN=localhost, SAN IP:127.0.0.1 + DNS:localhost. */
  server: CertFiles;
  clients: Record<string, CertFiles>;
  /** a certificate + key for `cn` under the CA (e.g. a renewed server certificate). */
  issue(name: string, cn: string, serverUse?: boolean): CertFiles;
  /** a certificate from another CA, that nothing here trusts. */
  untrusted(name: string, cn: string): CertFiles;
  read(path: string): Buffer;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(
    [
      'req',
      ...['-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
      ...['-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=${name}`],
    ],
    dir,
  );
}

function issueUnder(dir: string, ca: string, name: string, cn: string, serverUse: boolean) {
  openssl(
    [
      'req',
      ...['-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`],
      ...['-out', `${name}.csr`, '-subj', `/CN=${cn}`],
    ],
    dir,
  );
  const ext = `${name}.ext`;
  writeFileSync(
    join(dir, ext),
    serverUse
      ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
      : 'extendedKeyUsage=clientAuth\n',
  );
  openssl(
    [
      'x509',
      ...['-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`],
      ...['-CAcreateserial', '-days', '1', '-out', `${name}.crt`, '-extfile', ext],
    ],
    dir,
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

export function makeTestCerts({ clients = [] as string[] } = {}): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'insupclient-certs-'));
  makeCa(dir, 'test-ca');
  let otherCa = false;
  const issue = (name: string, cn: string, serverUse = false) =>
    issueUnder(dir, 'test-ca', name, cn, serverUse);
  return {
    dir,
    ca: join(dir, 'test-ca.crt'),
    server: issue('server', 'localhost', true),
    clients: Object.fromEntries(clients.map((cn) => [cn, issue(`client-${cn}`, cn)])),
    issue,
    untrusted: (name, cn) => {
      if (!otherCa) makeCa(dir, 'other-ca');
      otherCa = true;
      return issueUnder(dir, 'other-ca', name, cn, false);
    },
    read: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
