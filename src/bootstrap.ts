import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AddressInfo } from 'node:net';
import { AppModule } from './app.module';
import { AppConfig } from './config/config.schema';

export interface Gateway {
  app: INestApplication;
  /** the admin HTTP port actually bound (differs from config when it says 0). */
  httpPort: number;
  close(): Promise<void>;
}

/**
 * Builds and starts the gateway from a validated config. Used by `main.ts` and by the e2e
 * specs (which pass port 0 and read the bound ports back).
 */
export async function startGateway(config: AppConfig): Promise<Gateway> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.server.port, config.server.host);
  const httpPort = (app.getHttpServer().address() as AddressInfo).port;
  return { app, httpPort, close: () => app.close() };
}
