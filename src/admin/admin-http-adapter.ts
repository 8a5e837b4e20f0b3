/**
 * The admin port cannot starve the data path (operations spec §8.5): the HTTP server Nest
 * listens on is created here with a connection cap (`server.max-connections`), headers due
 * within 10 s and idle keep-alive connections closed after 5 s. Nest's Express adapter
 * creates a bare server; this one passes the limits at creation, where Node also takes the
 * period of its header-timeout sweep (its default, 30 s, would let a slow client hold a
 * connection 40 s).
 */
import { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import * as http from 'node:http';
import * as https from 'node:https';

export const ADMIN_HEADERS_TIMEOUT_MS = 10_000;
export const ADMIN_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** how often Node looks for connections past their header timeout. */
const CONNECTIONS_CHECK_MS = 1_000;

export class AdminHttpAdapter extends ExpressAdapter {
  constructor(private readonly maxConnections: number) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    const limits: http.ServerOptions = {
      headersTimeout: ADMIN_HEADERS_TIMEOUT_MS,
      keepAliveTimeout: ADMIN_KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
    };
    const server = options.httpsOptions
      ? https.createServer({ ...options.httpsOptions, ...limits }, this.getInstance())
      : http.createServer(limits, this.getInstance());
    server.maxConnections = this.maxConnections;
    this.setHttpServer(server);
  }
}
