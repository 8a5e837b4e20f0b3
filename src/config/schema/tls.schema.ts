import { IsBoolean, IsIn, IsInt, IsString, Max, Min } from 'class-validator';
import { Key } from '../config-key';

export const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/**
 * TLS on a listener (operations spec §8.1): `tcp.server.tls` for SIPSVC, `server.tls` for the
 * admin port. The files are read at start-up and again on SIGHUP and on the config reload
 * action; a file that cannot be read or used keeps the certificates in use.
 */
export class TlsConfig {
  @Key({ doc: 'this port speaks TLS only (a plaintext client gets no answer and is closed)' })
  @IsBoolean()
  enabled = false;

  @Key({ doc: 'PEM certificate chain of this listener (leaf first), re-read on SIGHUP and reload' })
  @IsString()
  certFile = '/etc/insupclient/tls/tls.crt';

  @Key({ doc: 'PEM private key of the certificate, re-read on SIGHUP and reload' })
  @IsString()
  keyFile = '/etc/insupclient/tls/tls.key';

  @Key({
    doc: 'PEM CA certificates: when set, client certificates are requested and must chain to them',
  })
  @IsString()
  caFile = '';

  @Key({ doc: 'a client without a certificate chaining to ca-file is refused (needs ca-file)' })
  @IsBoolean()
  requireClientCert = false;

  @Key({ doc: 'lowest TLS version accepted: TLSv1.2 or TLSv1.3' })
  @IsIn(TLS_VERSIONS)
  minVersion: TlsVersion = 'TLSv1.2';
}

/**
 * operations spec §8.4: failed SIPSVC `auth`s per source address. Read at use time, so a
 * reload applies to the next failure.
 */
export class AuthFailureConfig {
  @Key({
    doc: 'failed auths from one address within window that block it (new connections closed at once)',
    hot: true,
  })
  @IsInt()
  @Min(1)
  maxPerIp = 10;

  @Key({ doc: 'the time failed auths are counted over', ms: true, hot: true })
  @Min(1)
  window = 60000;

  @Key({
    doc: 'first block of an address; each block within an hour of the previous one doubles it, up to 1 h',
    ms: true,
    hot: true,
  })
  @Min(1)
  @Max(3_600_000)
  blockTime = 60000;
}
