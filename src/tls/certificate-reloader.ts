import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Server as TlsServer } from 'node:tls';
import { errorText } from '../common/error-text';
import { CertificateSource } from '../contracts/certificates';
import { TlsConfig } from '../config/config.schema';
import { loadTlsContext } from './tls-files';

interface TlsListener {
  /** the config key of its TLS section: `tcp.server.tls`, `server.tls`. */
  key: string;
  cfg: TlsConfig;
  server: Pick<TlsServer, 'setSecureContext'>;
}

/**
 * The TLS listeners (SIPSVC, admin HTTPS) and their certificates: re-read on SIGHUP and on
 * the config reload action. New connections use the new files; open connections keep theirs.
 * A file that cannot be read or used leaves that listener's certificates as they were.
 */
@Injectable()
export class CertificateReloader
  implements CertificateSource, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly log = new Logger('Tls');
  private readonly listeners: TlsListener[] = [];
  /** reloads finished (each listener tried), for tests and diagnostics. */
  reloads = 0;

  register(key: string, cfg: TlsConfig, server: Pick<TlsServer, 'setSecureContext'>): void {
    this.listeners.push({ key, cfg, server });
  }

  async reloadCertificates(reason: string): Promise<void> {
    for (const l of this.listeners) {
      try {
        l.server.setSecureContext(await loadTlsContext(l.key, l.cfg));
        this.log.log(`TLS certificates of ${l.key} reloaded (${reason})`);
      } catch (e) {
        this.log.error(
          `TLS certificates of ${l.key} not reloaded (${reason}), the previous ones stay in use: ${errorText(e)}`,
        );
      }
    }
    this.reloads++;
  }

  onApplicationBootstrap(): void {
    process.on('SIGHUP', this.onSighup);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSighup);
  }

  private readonly onSighup = (): void => {
    void this.reloadCertificates('SIGHUP');
  };
}
