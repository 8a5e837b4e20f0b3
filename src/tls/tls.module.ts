import { Global, Module } from '@nestjs/common';
import { CERTIFICATES } from '../contracts/certificates';
import { CertificateReloader } from './certificate-reloader';

/** TLS listeners register here; their certificates are reloaded on SIGHUP and config reload. */
@Global()
@Module({
  providers: [CertificateReloader, { provide: CERTIFICATES, useExisting: CertificateReloader }],
  exports: [CertificateReloader, CERTIFICATES],
})
export class TlsModule {}
