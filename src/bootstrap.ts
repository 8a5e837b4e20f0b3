import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AddressInfo } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { AdminHttpAdapter } from './admin/admin-http-adapter';
import { adminTokenGate, warnIfAdminOpen } from './admin/admin-token.middleware';
import { AppModule, GatewayOptions } from './app.module';
import { AppConfig } from './config/config.schema';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.service';
import { listening } from './lifecycle/listen-error';
import { SipsvcServer } from './sipsvc/sipsvc.server';
import { CertificateReloader } from './tls/certificate-reloader';
import { clientCertOptions, loadTlsContext } from './tls/tls-files';

export interface StartOptions extends GatewayOptions {
  /** warnings about the config file (original key names used), logged once at start-up. */
  configWarnings?: readonly string[];
}

export interface Gateway {
  app: INestApplication;
  /** the admin HTTP port actually bound (differs from config when it says 0). */
  httpPort: number;
  /** the SIPSVC JSON/TCP port actually bound. */
  sipsvcPort: number;
  close(): Promise<void>;
  /** graceful shutdown (stop accepting, drain, release INSUPC, final stats), then close. */
  shutdown(reason: string): Promise<void>;
}

/**
 * Builds and starts the gateway from a validated config. Used by `main.ts` and by the e2e
 * specs (which pass port 0 and read the bound ports back).
 */
export async function startGateway(
  config: AppConfig,
  { configWarnings = [], ...options }: StartOptions = {},
): Promise<Gateway> {
  const adminTls = config.server.tls;
  const httpsOptions = adminTls.enabled
    ? { ...(await loadTlsContext('server.tls', adminTls)), ...clientCertOptions(adminTls) }
    : undefined;
  const app = await NestFactory.create(
    AppModule.forRoot(config, options),
    new AdminHttpAdapter(config.server.maxConnections),
    { bufferLogs: true, httpsOptions },
  );
  app.useLogger(app.get(Logger));
  if (adminTls.enabled) {
    app.get(CertificateReloader).register('server.tls', adminTls, app.getHttpServer() as TlsServer);
  }
  const configLog = new NestLogger('Config');
  for (const warning of configWarnings) configLog.warn(warning);
  // No enableShutdownHooks(): main.ts owns SIGTERM/SIGINT and drains before closing.
  // Swagger's routes go onto the HTTP server now, ahead of Nest's middleware: gate them here.
  app.use(['/docs', '/docs-json', '/docs-yaml'], adminTokenGate(config));
  SwaggerModule.setup(
    'docs',
    app,
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('insupclient admin API')
        .setVersion(config.application.version)
        .addBearerAuth()
        .build(),
    ),
  );
  // Hybrid app: the SIPSVC JSON/TCP transport is a custom strategy provided by SipsvcModule.
  const sipsvc = app.get(SipsvcServer);
  app.connectMicroservice({ strategy: sipsvc }, { inheritAppConfig: true });
  try {
    const { tcp, server } = config;
    await listening('tcp.server.port', tcp.server.host, tcp.server.port, () =>
      app.startAllMicroservices(),
    );
    await listening('server.port', server.host, server.port, () =>
      app.listen(server.port, server.host),
    );
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
  const httpPort = (app.getHttpServer().address() as AddressInfo).port;
  warnIfAdminOpen(config, new NestLogger('Admin'));
  return {
    app,
    httpPort,
    sipsvcPort: sipsvc.port(),
    close: () => app.close(),
    shutdown: async (reason) => {
      await app.get(GracefulShutdown).run(reason);
      await app.close();
    },
  };
}
