import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { createServer, Server as NetServer, Socket } from 'node:net';
import { isObservable, Observable } from 'rxjs';
import { createFrameDecoder } from '../../libs/sipsvc-protocol/src/create-frame-decoder';
import { frameEncoderFor } from '../../libs/sipsvc-protocol/src/frame-encoder';
import { LogThrottle } from '../common/log-throttle';
import { SipsvcStateSource } from '../common/state-sources';
import { AppConfig } from '../config/config.schema';
import { StatisticsService } from '../statistics/statistics.service';
import { CommandCounters } from '../statistics/statistics.counters';
import { expiredTimeout, timeoutLogLine } from './connection-timeouts';
import { SipsvcConnection } from './sipsvc-connection';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';
import {
  SipsvcConnectionContext,
  SipsvcPattern,
  SipsvcReply,
  SipsvcRequest,
} from './sipsvc-message';
import { SipsvcRecvQueue } from './sipsvc-recv-queue';
import { ResultText, SipsvcResult } from './sipsvc-result';

/** how often the connection timers are checked; a timed-out connection closes within this. */
export const SWEEP_INTERVAL_MS = 1000;
/** a connection closed after an answer (`end()`) that has not gone within this is destroyed. */
const CLOSING_GRACE_MS = 2000;
/**
 * Output held for one client that stopped reading before it is dropped: 64 messages of
 * max-message-bytes, at least 4 MiB (one input chunk of small pipelined requests is answered
 * synchronously before reading pauses, and must fit).
 */
const pendingOutputLimit = (maxMessageBytes: number): number =>
  Math.max(4 * 1024 * 1024, 64 * maxMessageBytes);
/** an unknown `cmd` is echoed in the error text up to this length. */
const MAX_CMD_ECHO = 64;

type ClosedListener = (ctx: SipsvcConnectionContext) => void;

/** What reaches the recv queue: a business message ready for its handler. */
interface QueuedMessage {
  conn: SipsvcConnection;
  req: SipsvcRequest;
  handler: MessageHandler | null;
  cmd: string;
}

/** How the transport treats a reply: auth and heartbeat feed their counters here. */
const enum ReplyKind {
  BUSINESS,
  AUTH,
  HEARTBEAT,
}

/**
 * The SIPSVC JSON/TCP listener as a Nest custom transport strategy. `@MessagePattern` handlers
 * (auth and heartbeat in {@link SipsvcController}, execute in the execute pipeline) are looked
 * up once per cmd at listen time and called directly with (request, connection); the strategy
 * frames and writes the replies itself, echoing `cmd`, `reqNo` and `seq`.
 *
 * Per message: one `toString` + one `JSON.parse`, one handler call, one `JSON.stringify`.
 * auth and heartbeat are answered directly; business messages go through the bounded
 * {@link SipsvcRecvQueue}. One sweep timer enforces the connection timers.
 */
@Injectable()
export class SipsvcServer
  extends Server
  implements CustomTransportStrategy, SipsvcStateSource, OnApplicationShutdown
{
  private readonly log = new Logger('SipsvcServer');
  private readonly queue: SipsvcRecvQueue<QueuedMessage>;
  /** lower-cased cmd → its handler (null: a known cmd whose handler is not registered). */
  private readonly dispatch = new Map<string, MessageHandler | null>();
  private readonly authCounters: CommandCounters;
  private readonly heartbeatCounters: CommandCounters;
  private netServer: NetServer | null = null;
  private listening = false;
  private boundPort = 0;
  private sweepTimer: NodeJS.Timeout | null = null;
  private closedListener: ClosedListener | null = null;
  private closePromise: Promise<void> | null = null;
  /** per connection, created at its first refusal: one overload ERROR a second at most. */
  private readonly overloadLogs = new WeakMap<SipsvcConnection, LogThrottle>();

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SipsvcConnectionRegistry,
    private readonly stats: StatisticsService,
  ) {
    super();
    const { capacity, threadCount } = config.sipsvc.recvQueue;
    this.queue = new SipsvcRecvQueue(capacity, threadCount, this.consume);
    this.authCounters = stats.sipsvc.commands.auth;
    this.heartbeatCounters = stats.sipsvc.commands.heartbeat;
  }

  /**
   * Registers the one listener told when a connection closes (the execute pipeline cleans up
   * that connection's in-flight sessions). Replies for a closed connection are dropped here.
   */
  onConnectionClosed(listener: ClosedListener): void {
    this.closedListener = listener;
  }

  listen(callback: (err?: unknown) => void): void {
    this.buildDispatchTable();
    const { host, port, framing } = this.config.tcp.server;
    const { capacity, threadCount } = this.config.sipsvc.recvQueue;
    this.log.log(
      `SipsvcRecvQueue initialization started - capacity: ${capacity}, threads: ${threadCount}`,
    );
    this.log.log(`SipsvcRecvQueue initialization completed - ${threadCount} threads started`);
    // half-open: a client that sends its requests then FIN still gets its answers
    const server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) =>
      this.accept(socket),
    );
    this.netServer = server;
    const onStartError = (err: Error): void => callback(err);
    server.once('error', onStartError);
    server.listen(port, host, () => {
      server.off('error', onStartError);
      server.on('error', (err) => this.log.error(`SIPSVC listener error: ${err.message}`));
      const address = server.address();
      this.boundPort = typeof address === 'object' && address ? address.port : port;
      this.listening = true;
      this.sweepTimer = setInterval(this.sweep, SWEEP_INTERVAL_MS);
      this.log.log(`SIPSVC server listening on ${host}:${this.boundPort} (framing: ${framing})`);
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

  on(): never {
    throw new Error('SipsvcServer does not expose transport events; use onConnectionClosed()');
  }

  unwrap<T>(): T {
    return this.netServer as T;
  }

  // --- SipsvcStateSource ---

  isListening(): boolean {
    return this.listening;
  }

  port(): number {
    return this.boundPort;
  }

  describeConnections(): ReturnType<SipsvcStateSource['describeConnections']> {
    return this.registry.describe();
  }

  recvQueueSize(): number {
    return this.queue.size;
  }

  recvQueueCapacity(): number {
    return this.queue.capacity;
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

  private accept(socket: Socket): void {
    const { framing, maxMessageBytes } = this.config.tcp.server;
    const ip = normaliseIp(socket.remoteAddress ?? '');
    const conn = new SipsvcConnection(
      this.registry.nextId(),
      socket,
      ip,
      socket.remotePort ?? 0,
      frameEncoderFor(framing),
      pendingOutputLimit(maxMessageBytes),
      this.dropSlowReader,
      Date.now(),
    );
    const decoder = createFrameDecoder(framing, maxMessageBytes, {
      frame: (bytes) => this.onFrame(conn, bytes),
      violation: (reason) => this.onViolation(conn, reason),
    });
    socket.on('data', (chunk: Buffer) => {
      if (!conn.closing) decoder.push(chunk);
    });
    socket.once('end', () => this.onInputEnded(conn));
    socket.on('error', (err) => this.log.debug(`${conn.tag} socket error: ${err.message}`));
    socket.once('close', () => this.onClose(conn));
    this.registry.add(conn);
    this.stats.sipsvc.connectionsAccepted++;
    this.log.log(`${conn.tag} Connection accepted - id: ${conn.connectionId}`);
  }

  private onClose(conn: SipsvcConnection): void {
    conn.closed = true;
    this.registry.remove(conn);
    this.log.log(
      `${conn.tag} Connection closed - id: ${conn.connectionId}, requests: ${conn.totalRequests}`,
    );
    if (this.closedListener) {
      try {
        this.closedListener(conn);
      } catch (e) {
        this.log.error(`${conn.tag} connection-closed listener failed: ${errorText(e)}`);
      }
    }
  }

  /**
   * The client half-closed. Its pending requests are still answered; the gateway's side ends
   * with the last reply (at once when nothing is pending). The connection timers stay the
   * upper bound for a reply that never comes.
   */
  private onInputEnded(conn: SipsvcConnection): void {
    conn.inputEnded = true;
    if (conn.awaitingReplies === 0) conn.endAfterWrite(Date.now());
  }

  private readonly dropSlowReader = (conn: SipsvcConnection): void => {
    this.log.warn(
      `${conn.tag} Client is not reading its responses - ${conn.socket.writableLength} bytes pending, closing connection`,
    );
    conn.socket.destroy();
  };

  private onViolation(conn: SipsvcConnection, reason: string): void {
    this.log.warn(`${conn.tag} ${reason} - closing connection`);
    this.write(conn, undefined, { result: SipsvcResult.INVALID_REQUEST, resultDesc: reason });
    conn.endAfterWrite(Date.now());
  }

  // --- per message ---

  private onFrame(conn: SipsvcConnection, bytes: Buffer): void {
    if (conn.closing || conn.inputEnded) return;
    conn.lastActivityAt = Date.now();
    conn.totalRequests++;
    let req: SipsvcRequest;
    try {
      req = JSON.parse(bytes.toString('utf8')) as SipsvcRequest;
    } catch {
      this.write(conn, undefined, invalid(ResultText.MALFORMED_JSON));
      return;
    }
    if (req === null || typeof req !== 'object' || Array.isArray(req)) {
      this.write(conn, undefined, invalid('Request must be a JSON object'));
      return;
    }
    if (typeof req.cmd !== 'string' || req.cmd === '') {
      this.write(conn, req, invalid('Missing or invalid field: cmd'));
      return;
    }
    const cmd = req.cmd.toLowerCase();
    if (cmd === SipsvcPattern.AUTH) {
      this.authCounters.attempts++;
      conn.awaitingReplies++;
      this.invoke(conn, req, this.dispatch.get(cmd) ?? null, cmd, ReplyKind.AUTH);
      return;
    }
    if (!conn.authenticated) {
      this.write(conn, req, {
        result: SipsvcResult.NOT_AUTHENTICATED,
        resultDesc: ResultText.NOT_AUTHENTICATED,
      });
      conn.endAfterWrite(conn.lastActivityAt);
      return;
    }
    const isHeartbeat = cmd === SipsvcPattern.HEARTBEAT;
    if (isHeartbeat) this.heartbeatCounters.attempts++;
    const handler = this.dispatch.get(cmd);
    if (handler === undefined) {
      this.write(conn, req, invalid(`Unknown cmd: ${req.cmd.slice(0, MAX_CMD_ECHO)}`));
      return;
    }
    if (req.token !== conn.token) {
      if (isHeartbeat) this.heartbeatCounters.failure++;
      this.write(conn, req, {
        result: SipsvcResult.NOT_AUTHENTICATED,
        resultDesc: ResultText.INVALID_TOKEN,
      });
      return;
    }
    if (isHeartbeat) {
      conn.lastHeartbeatAt = conn.lastActivityAt;
      conn.awaitingReplies++;
      this.invoke(conn, req, handler, cmd, ReplyKind.HEARTBEAT);
      return;
    }
    conn.awaitingReplies++;
    if (!this.queue.offer({ conn, req, handler, cmd })) {
      conn.awaitingReplies--;
      this.stats.sipsvc.queueRejections++;
      const suffix = this.overloadLogThrottle(conn).take(conn.lastActivityAt);
      if (suffix !== null) {
        this.log.error(
          `${conn.tag} ❌ SipsvcRecvQueue saturated - message dropped | ID: ${conn.connectionId}${suffix}`,
        );
      }
      this.write(conn, req, {
        result: SipsvcResult.INTERNAL_ERROR,
        resultDesc: ResultText.RECV_QUEUE_FULL,
      });
    }
  }

  private overloadLogThrottle(conn: SipsvcConnection): LogThrottle {
    let t = this.overloadLogs.get(conn);
    if (!t) {
      t = new LogThrottle();
      this.overloadLogs.set(conn, t);
    }
    return t;
  }

  private readonly consume = (m: QueuedMessage): void => {
    if (m.conn.closed) return;
    this.invoke(m.conn, m.req, m.handler, m.cmd, ReplyKind.BUSINESS);
  };

  private invoke(
    conn: SipsvcConnection,
    req: SipsvcRequest,
    handler: MessageHandler | null,
    cmd: string,
    kind: ReplyKind,
  ): void {
    if (handler === null) {
      this.finish(conn, req, kind, {
        result: SipsvcResult.INTERNAL_ERROR,
        resultDesc: `Service unavailable - no handler registered for cmd ${cmd}`,
      });
      return;
    }
    let out: unknown;
    try {
      out = handler(req, conn);
    } catch (e) {
      this.handlerFailed(conn, req, kind, cmd, e);
      return;
    }
    if (isPromiseLike(out)) {
      out.then(
        (value) => this.settle(conn, req, kind, cmd, value),
        (e: unknown) => this.handlerFailed(conn, req, kind, cmd, e),
      );
    } else {
      this.settle(conn, req, kind, cmd, out);
    }
  }

  /** Nest's handler proxy resolves to the reply, or to an Observable (errors, interceptors). */
  private settle(
    conn: SipsvcConnection,
    req: SipsvcRequest,
    kind: ReplyKind,
    cmd: string,
    value: unknown,
  ): void {
    if (isObservable(value)) {
      this.settleObservable(conn, req, kind, cmd, value);
      return;
    }
    if (isPromiseLike(value)) {
      value.then(
        (v) => this.settle(conn, req, kind, cmd, v),
        (e: unknown) => this.handlerFailed(conn, req, kind, cmd, e),
      );
      return;
    }
    if (!isReply(value)) {
      this.handlerFailed(conn, req, kind, cmd, new Error('handler returned no reply'));
      return;
    }
    this.finish(conn, req, kind, value);
  }

  private settleObservable(
    conn: SipsvcConnection,
    req: SipsvcRequest,
    kind: ReplyKind,
    cmd: string,
    value: Observable<unknown>,
  ): void {
    let last: unknown;
    value.subscribe({
      next: (v) => (last = v),
      error: (e: unknown) => this.handlerFailed(conn, req, kind, cmd, e),
      complete: () => this.settle(conn, req, kind, cmd, last),
    });
  }

  private handlerFailed(
    conn: SipsvcConnection,
    req: SipsvcRequest,
    kind: ReplyKind,
    cmd: string,
    e: unknown,
  ): void {
    this.log.error(`${conn.tag} handler for cmd ${cmd} failed: ${errorText(e)}`);
    this.finish(conn, req, kind, {
      result: SipsvcResult.INTERNAL_ERROR,
      resultDesc: `Internal error while handling cmd ${cmd}`,
    });
  }

  private finish(
    conn: SipsvcConnection,
    req: SipsvcRequest,
    kind: ReplyKind,
    reply: SipsvcReply,
  ): void {
    const ok = reply.result === SipsvcResult.SUCCESS;
    if (kind === ReplyKind.AUTH) {
      if (ok) {
        this.authCounters.success++;
        this.stats.sipsvc.connectionsAuthenticated++;
      } else {
        this.authCounters.failure++;
        this.stats.sipsvc.connectionsRejected++;
      }
    } else if (kind === ReplyKind.HEARTBEAT) {
      if (ok) this.heartbeatCounters.success++;
      else this.heartbeatCounters.failure++;
    }
    this.write(conn, req, reply);
    conn.awaitingReplies--;
    if ((kind === ReplyKind.AUTH && !ok) || (conn.inputEnded && conn.awaitingReplies === 0)) {
      conn.endAfterWrite(Date.now());
    }
  }

  /**
   * echoes cmd/reqNo/seq, serialises once, frames and writes; dropped if the client is gone.
   * Only string/number cmd, reqNo and seq are echoed: anything else is untrusted structure that
   * could be nested deep enough to make `JSON.stringify` throw (length-prefixed framing has no
   * depth cap), and the spec only promises to echo what the client can correlate on.
   */
  private write(conn: SipsvcConnection, req: SipsvcRequest | undefined, reply: SipsvcReply): void {
    if (conn.closed || conn.closing) return;
    const out: Record<string, unknown> = {};
    if (req) {
      if (typeof req.cmd === 'string') out.cmd = req.cmd;
      if (isEchoable(req.reqNo)) out.reqNo = req.reqNo;
      if (isEchoable(req.seq)) out.seq = req.seq;
    }
    Object.assign(out, reply);
    // the execute pipeline sets resultCode itself; the transport's own answers to an execute
    // (invalid token, overload, handler failure) get it here: spec, resultCode always = result
    if (reply.resultCode === undefined && isExecute(out.cmd)) out.resultCode = reply.result;
    let json: string;
    try {
      json = JSON.stringify(out);
    } catch (e) {
      // only the handler's reply can have failed; the echoed fields are plain strings/numbers
      this.log.error(`${conn.tag} reply could not be serialised: ${errorText(e)}`);
      json = JSON.stringify({
        cmd: out.cmd,
        reqNo: out.reqNo,
        seq: out.seq,
        result: SipsvcResult.INTERNAL_ERROR,
        resultDesc: 'Internal error - reply could not be serialised',
      });
    }
    conn.writeJson(json);
  }

  // --- timers and lifecycle ---

  private readonly sweep = (): void => {
    const now = Date.now();
    const { authTimeout, idleTimeout, connectionTimeout } = this.config.tcp.server;
    const limits = { authTimeout, idleTimeout, connectionTimeout };
    for (const conn of this.registry.all()) {
      if (conn.closed) continue;
      if (conn.closing) {
        if (now - conn.closingSince >= CLOSING_GRACE_MS) conn.socket.destroy();
        continue;
      }
      const kind = expiredTimeout(conn, now, limits);
      if (kind === null) continue;
      this.log.log(timeoutLogLine(conn.tag, kind, conn, limits));
      conn.socket.destroy();
    }
  };

  private buildDispatchTable(): void {
    this.dispatch.clear();
    for (const known of Object.values(SipsvcPattern)) this.dispatch.set(known, null);
    for (const [pattern, handler] of this.getHandlers()) {
      this.dispatch.set(pattern.toLowerCase(), handler);
    }
  }

  private async shutdown(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    this.queue.stop();
    const server = this.netServer;
    this.listening = false;
    for (const conn of this.registry.all()) conn.socket.destroy();
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function invalid(text: string): SipsvcReply {
  return { result: SipsvcResult.INVALID_REQUEST, resultDesc: text };
}

function isExecute(cmd: unknown): boolean {
  return typeof cmd === 'string' && cmd.length === 7 && cmd.toLowerCase() === SipsvcPattern.EXECUTE;
}

/** a reqNo/seq value the transport echoes (serialises in constant stack depth). */
function isEchoable(v: unknown): v is string | number {
  return typeof v === 'string' || typeof v === 'number';
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (
    typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function'
  );
}

function isReply(v: unknown): v is SipsvcReply {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as SipsvcReply).result === 'number' &&
    typeof (v as SipsvcReply).resultDesc === 'string'
  );
}

function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String(e.message);
  return String(e);
}
