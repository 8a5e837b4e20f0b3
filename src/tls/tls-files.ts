import { readFile } from 'node:fs/promises';
import { createSecureContext, SecureContextOptions } from 'node:tls';
import { errorText } from '../common/error-text';
import { TlsConfig } from '../config/config.schema';

/** A listener's TLS files could not be read or used; the message names the key, not the content. */
export class TlsFilesError extends Error {}

async function readKeyFile(key: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new TlsFilesError(
      `${key} ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? errorText(e)})`,
    );
  }
}

/**
 * The secure-context options of one listener (`tcp.server.tls` or `server.tls`, named by
 * `key`): the PEM files read now, and checked by building a context from them, so a
 * certificate that does not match its key is refused here rather than at the next handshake.
 */
export async function loadTlsContext(key: string, cfg: TlsConfig): Promise<SecureContextOptions> {
  const [cert, privateKey, ca] = await Promise.all([
    readKeyFile(`${key}.cert-file`, cfg.certFile),
    readKeyFile(`${key}.key-file`, cfg.keyFile),
    cfg.caFile ? readKeyFile(`${key}.ca-file`, cfg.caFile) : Promise.resolve(undefined),
  ]);
  const options: SecureContextOptions = { cert, key: privateKey, minVersion: cfg.minVersion };
  if (ca) options.ca = ca;
  try {
    createSecureContext(options);
  } catch (e) {
    throw new TlsFilesError(
      `${key}: ${cfg.certFile}, ${cfg.keyFile}${cfg.caFile ? `, ${cfg.caFile}` : ''} are not a usable certificate, key and CA (${errorText(e)})`,
    );
  }
  return options;
}

/**
 * Server options beyond the context: client certificates are requested when `ca-file` is set
 * and required with `require-client-cert`.
 */
export function clientCertOptions(cfg: TlsConfig): {
  requestCert: boolean;
  rejectUnauthorized: boolean;
} {
  return { requestCert: cfg.caFile !== '', rejectUnauthorized: cfg.requireClientCert };
}
