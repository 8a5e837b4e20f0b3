import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { createServer, Server as NetServer, Socket } from 'node:net';
import { createServer as createTlsServer, Server as TlsServer, TLSSocket } from 'node:tls';
import { createFrameDecoder } from '../../libs/sipsvc-protocol/src/create-frame-decoder';
import { BoundedDrainQueue } from '../common/bounded-drain-queue';
import { errorText } from '../common/error-text';
import { LogThrottle } from '../common/log-throttle';
import { ScheduledTask, Scheduler, SCHEDULER } from '../common/scheduler';
import { SipsvcPattern } from '../contracts/sipsvc-message';
import { SipsvcResult } from '../contracts/sipsvc-result';
import { SipsvcStateSource } from '../contracts/state-sources';
import { ConfigType } from '@nestjs/config';
import { tcpConfig, sipsvcConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { CertificateReloader } from '../tls/certificate-reloader';
import { clientCertOptions, loadTlsContext } from '../tls/tls-files';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { SWEEP_INTERVAL_MS, sweepConnections } from './connection-sweep';
import { findDirectHandlers } from './direct-handlers';
import { HandlerSettlement, ReplyKind } from './handler-settlement';
import { ReplyWriter } from './reply-writer';
import { QueuedMessage, RequestGate } from './request-gate';
import { normaliseIp, SipsvcConnection } from './sipsvc-connection';
import { PendingConnectionGuard } from './pending-connection-guard';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';
import { SipsvcCounters } from './sipsvc.counters';

/**
 * The SIPSVC JSON/TCP listener as a Nest custom transport strategy: accepts connections,
 * feeds their frames to the {@link RequestGate}, runs the handlers through
 * {@link HandlerSettlement}, and sweeps the connection timers as one scheduled job.
 * `@MessagePattern` handlers (auth and heartbeat in SipsvcController, execute in the execute
 * pipeline) are looked up once per cmd at listen time and called with (request, connection):
 * the controller method itself where nothing of Nest's RPC pipeline applies to it
 * ({@link findDirectHandlers}), else the handler Nest registered.
 *
 * Per message: one `toString` + one `JSON.parse`, one handler call, one `JSON.stringify`.
 */
/** The listener's status on `status`, as Nest's ServerTCP reports its own. */
export type SipsvcServerStatus = 'connected' | 'disconnected';

/** The listener's (node:net Server) events `on()` passes through, as ServerTCP does. */
export type SipsvcServerEvents = {
  listening: () => void;
  connection: (socket: Socket) => void;
  close: () => void;
  error: (err: Error) => void;
};
type SipsvcServerListener = SipsvcServerEvents[keyof SipsvcServerEvents];

@Injectable()
export class SipsvcServer
  extends Server<SipsvcServerEvents, SipsvcServerStatus>
  implements CustomTransportStrategy, SipsvcStateSource, OnApplicationShutdown
{
  private readonly log = new Logger('SipsvcServer');
  private readonly queue: BoundedDrainQueue<QueuedMessage<SipsvcConnection>>;
  /** lower-cased cmd → its handler (null: a known cmd whose handler is not registered). */
  private readonly dispatch = new Map<string, MessageHandler | null>();
  private readonly writer = new ReplyWriter();
  private readonly settlement: HandlerSettlement;
  private readonly gate: RequestGate<SipsvcConnection>;
  private readonly pendingGuard: PendingConnectionGuard;
  /** failed TLS handshakes (plaintext clients, missing certificates): one WARN a second. */
  private readonly handshakeWarnings = new LogThrottle();
  /** TLS: every TCP connection, so shutdown also closes the ones still in their handshake. */
  private readonly tlsSockets = new Set<Socket>();
  private netServer: NetServer | null = null;
  private listening = false;
  private boundPort = 0;
  private sweepJob: ScheduledTask | null = null;
  private closePromise: Promise<void> | null = null;
  /** `on()` calls made before `listen()` created the listener. */
  private pendingEventListeners: { event: string; callback: SipsvcServerListener }[] = [];
  /** the application's modules, to find the `@MessagePattern` methods (absent: Nest's handlers). */
  @Optional() @Inject(ModulesContainer) private readonly modules?: ModulesContainer;

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'tcp' | 'sipsvc'>;

  constructor(
    @Inject(tcpConfig.KEY) tcp: ConfigType<typeof tcpConfig>,
    @Inject(sipsvcConfig.KEY) sipsvc: ConfigType<typeof sipsvcConfig>,
    private readonly registry: SipsvcConnectionRegistry,
    private readonly counters: SipsvcCounters,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    private readonly authThrottle: AuthFailureThrottle,
    @Optional() private readonly certificates?: CertificateReloader,
  ) {
    super();
    this.config = { tcp, sipsvc };
    const { capacity, threadCount } = sipsvc.recvQueue;
    this.queue = new BoundedDrainQueue(capacity, threadCount, this.consume, (e) =>
      this.log.error(`SIPSVC message dispatch failed: ${errorText(e)}`),
    );
    this.settlement = new HandlerSettlement(this.writer, counters, this.now);
    this.pendingGuard = new PendingConnectionGuard(registry, this.log);
    this.gate = new RequestGate<SipsvcConnection>(
      {
        handlerFor: (cmd) => this.dispatch.get(cmd),
        invoke: (conn, req, handler, cmd, kind) =>
          this.settlement.invoke(conn, req, handler, cmd, kind),
        offer: (m) => this.queue.offer(m),
        reply: (conn, req, reply) => this.writer.write(conn, req, reply),
        now: this.now,
      },
      counters,
    );
  }

  listen(callback: (err?: unknown) => void): void {
    this.buildDispatchTable();
    const { capacity, threadCount } = this.config.sipsvc.recvQueue;
    this.log.log(
      `SipsvcRecvQueue initialization started - capacity: ${capacity}, threads: ${threadCount}`,
    );
    this.log.log(`SipsvcRecvQueue initialization completed - ${threadCount} threads started`);
    if (!this.config.tcp.server.tls.enabled) {
      this.start(callback, (socket) => this.accept(socket));
      return;
    }
    this.startTls().then(
      (tls) => this.start(callback, (socket) => this.handshake(tls, socket)),
      (err: unknown) => callback(err),
    );
  }

  /**
   * Listens. `onAdmitted` gets each TCP connection that passed the address checks: the
   * connection itself (plain), or the TLS server that handshakes it and hands it to accept().
   */
  private start(callback: (err?: unknown) => void, onAdmitted: (socket: Socket) => void): void {
    const { host, port, framing, tls } = this.config.tcp.server;
    // half-open: a client that sends its requests then FIN still gets its answers
    const server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
      if (this.admits(socket)) onAdmitted(socket);
    });
    this.netServer = server;
    server.on('listening', () => this._status$.next('connected'));
    server.on('close', () => this._status$.next('disconnected'));
    for (const { event, callback: listener } of this.pendingEventListeners.splice(0)) {
      server.on(event, listener as (...args: unknown[]) => void);
    }
    const onStartError = (err: Error): void => {
      this._status$.next('disconnected');
      callback(err);
    };
    server.once('error', onStartError);
    server.listen(port, host, () => {
      server.off('error', onStartError);
      server.on('error', (err) => this.log.error(`SIPSVC listener error: ${err.message}`));
      const address = server.address();
      this.boundPort = typeof address === 'object' && address ? address.port : port;
      this.listening = true;
      this.sweepJob = this.scheduler.every(
        'sipsvc-connection-sweep',
        SWEEP_INTERVAL_MS,
        this.sweep,
      );
      const security = tls.enabled ? `, TLS${tls.caFile ? ', client certificates' : ''}` : '';
      this.log.log(
        `SIPSVC server listening on ${host}:${this.boundPort} (framing: ${framing}${security})`,
      );
      callback();
    });
  }

  close(): Promise<void> {
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /**
   * Listens to the SIPSVC listener's own events (node:net Server: `listening`, `connection`,
   * `close`, `error`), as Nest's ServerTCP does; before `listen()` they are kept and attached
   * when the listener is created. A connection's close is its context's `onClose()`.
   */
  on<K extends keyof SipsvcServerEvents>(event: K, callback: SipsvcServerEvents[K]): void {
    if (this.netServer)
      this.netServer.on(event as string, callback as (...args: unknown[]) => void);
    else this.pendingEventListeners.push({ event: event as string, callback });
  }

  /** The node:net Server; like ServerTCP, an error before `listen()`. */
  unwrap<T>(): T {
    if (!this.netServer) {
      throw new Error('SipsvcServer: not listening yet; call listen() before unwrap()');
    }
    return this.netServer as T;
  }

  // --- SipsvcStateSource ---

  isListening(): boolean {
    return this.listening;
  }

  port(): number {
    return this.boundPort;
  }

  describeConnections(limit?: number): ReturnType<SipsvcStateSource['describeConnections']> {
    return this.registry.describe(this.wallOf, limit);
  }

  recvQueueSize(): number {
    return this.queue.size;
  }

  connectionCounts(): { authenticated: number; pending: number } {
    const authenticated = this.registry.authenticated;
    return { authenticated, pending: this.registry.size - authenticated };
  }

  stopAccepting(): Promise<void> {
    if (this.listening && this.netServer) {
      this.listening = false;
      this.netServer.close();
      this.log.log('SIPSVC listener closed - no new connections accepted');
    }
    return Promise.resolve();
  }

  // --- connections ---

  /**
   * The TLS server of `tcp.server.tls`: it does the handshakes (at most auth-timeout each) of
   * the connections the plain listener admitted; its certificates are swapped on reload.
   */
  private async startTls(): Promise<TlsServer> {
    const cfg = this.config.tcp.server.tls;
    const context = await loadTlsContext('tcp.server.tls', cfg);
    const tls = createTlsServer(
      {
        ...context,
        ...clientCertOptions(cfg),
        handshakeTimeout: this.config.tcp.server.authTimeout,
        allowHalfOpen: true,
      },
      (socket) => {
        socket.setNoDelay(true);
        this.accept(socket);
      },
    );
    tls.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
      // a handshake that timed out leaves its socket open (the client's FIN is not acted on
      // while half-open is allowed)
      socket.destroy();
      const suffix = this.handshakeWarnings.take(this.now());
      if (suffix === null) return;
      const ip = normaliseIp(socket.remoteAddress ?? '');
      this.log.warn(`[SIPSVC|${ip}] TLS handshake failed - ${err.code ?? err.message}${suffix}`);
    });
    this.certificates?.register('tcp.server.tls', cfg, tls);
    return tls;
  }

  /** TLS: the TCP connections of this listener, handshaking or not, until they close. */
  private handshake(tls: TlsServer, socket: Socket): void {
    this.tlsSockets.add(socket);
    socket.once('close', () => this.tlsSockets.delete(socket));
    tls.emit('connection', socket);
  }

  /** A new TCP connection from a blocked address (§8.4) or beyond the pending caps is closed. */
  private admits(socket: Socket): boolean {
    const ip = normaliseIp(socket.remoteAddress ?? '');
    const now = this.now();
    if (
      this.authThrottle.refuses(ip, now) ||
      !this.pendingGuard.admits(ip, this.config.tcp.server, now, this.handshaking())
    ) {
      socket.destroy();
      return false;
    }
    return true;
  }

  /** TLS connections still in their handshake (0 without TLS). */
  private handshaking(): number {
    return Math.max(0, this.tlsSockets.size - this.registry.size);
  }

  /** A new socket (TLS: handshake done): a connection with its decoder, half-close and close handling. */
  private accept(socket: Socket): void {
    const { framing, maxMessageBytes } = this.config.tcp.server;
    const conn = SipsvcConnection.accepted(
      this.registry.nextId(),
      socket,
      framing,
      maxMessageBytes,
      this.dropSlowReader,
      this.now(),
    );
    const decoder = createFrameDecoder(framing, maxMessageBytes, {
      frame: (bytes) => this.gate.onFrame(conn, bytes),
      violation: (reason) => this.onViolation(conn, reason),
    });
    socket.on('data', (chunk: Buffer) => {
      if (!conn.closing) decoder.push(chunk);
    });
    socket.once('end', () => this.onInputEnded(conn));
    socket.on('error', (err) => this.log.debug(`${conn.tag} socket error: ${err.message}`));
    socket.once('close', () => this.onClose(conn));
    this.registry.add(conn);
    this.counters.connectionsAccepted++;
    this.log.log(`${conn.tag} Connection accepted - id: ${conn.connectionId}`);
  }

  private onClose(conn: SipsvcConnection): void {
    this.registry.remove(conn);
    this.log.log(
      `${conn.tag} Connection closed - id: ${conn.connectionId}, requests: ${conn.totalRequests}`,
    );
    conn.markClosed((e) =>
      this.log.error(`${conn.tag} connection-closed listener failed: ${errorText(e)}`),
    );
  }

  /**
   * The client half-closed. Its pending requests are still answered; the gateway's side ends
   * with the last reply (at once when nothing is pending). The connection timers stay the
   * upper bound for a reply that never comes.
   */
  private onInputEnded(conn: SipsvcConnection): void {
    conn.inputEnded = true;
    if (conn.awaitingReplies === 0) conn.endAfterWrite(this.now());
  }

  private readonly dropSlowReader = (conn: SipsvcConnection): void => {
    this.log.warn(
      `${conn.tag} Client is not reading its responses - ${conn.socket.writableLength} bytes pending, closing connection`,
    );
    conn.socket.destroy();
  };

  private onViolation(conn: SipsvcConnection, reason: string): void {
    this.log.warn(`${conn.tag} ${reason} - closing connection`);
    this.writer.write(conn, undefined, {
      result: SipsvcResult.INVALID_REQUEST,
      resultDesc: reason,
    });
    conn.endAfterWrite(this.now());
  }

  private readonly consume = (m: QueuedMessage<SipsvcConnection>): void => {
    if (m.conn.closed) return;
    this.settlement.invoke(m.conn, m.req, m.handler, m.cmd, ReplyKind.BUSINESS);
  };

  // --- timers and lifecycle ---

  private readonly now = (): number => this.scheduler.now();

  /** a time of the scheduler's clock as wall-clock ms (for /state and log lines). */
  private readonly wallOf = (t: number): number => Date.now() - (this.scheduler.now() - t);

  private readonly sweep = (): void => {
    const { authTimeout, idleTimeout, connectionTimeout } = this.config.tcp.server;
    const limits = { authTimeout, idleTimeout, connectionTimeout };
    sweepConnections(this.registry.all(), this.now(), limits, this.wallOf, this.log);
  };

  private buildDispatchTable(): void {
    this.dispatch.clear();
    for (const known of Object.values(SipsvcPattern)) this.dispatch.set(known, null);
    const direct = this.modules ? findDirectHandlers(this.modules) : new Map<string, never>();
    for (const [pattern, handler] of this.getHandlers()) {
      const cmd = pattern.toLowerCase();
      this.dispatch.set(cmd, direct.get(cmd) ?? handler);
    }
    const called = [...this.dispatch].filter(([cmd, h]) => h && h === direct.get(cmd));
    this.log.log(
      `SIPSVC handlers called directly: ${called.map(([cmd]) => cmd).join(', ') || 'none'}`,
    );
  }

  private async shutdown(): Promise<void> {
    this.sweepJob?.cancel();
    this.sweepJob = null;
    this.queue.stop(false);
    const server = this.netServer;
    this.listening = false;
    for (const conn of this.registry.all()) conn.socket.destroy();
    for (const socket of this.tlsSockets) socket.destroy();
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
