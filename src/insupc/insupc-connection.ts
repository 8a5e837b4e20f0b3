import { Logger } from '@nestjs/common';
import type { Socket } from 'node:net';
import {
  DbLogonInfo,
  encodeDbAccessRequest,
  encodeDbNettestRequest,
  encodeDbReleaseRequest,
  formatFrameTree,
  FrameDecoder,
  MessageHeader,
} from '../../libs/insupc-protocol/src';
import type { Scheduler } from '../common/scheduler';
import type { InsupcClientConfig } from '../config/config.schema';
import { ConnectionKeepalive } from './connection-keepalive';
import type { ConnectionOwner } from './connection-owner';
import { ConnectionEvent, ConnectionState, nextConnectionState } from './connection-state';
import type { PendingRequest } from './pending-requests';
import { QueryChannel } from './query-channel';
import { ReconnectingSocket } from './reconnecting-socket';
import { SessionFrames } from './session-frames';
import type { SocketConnector } from './socket-connector';

export interface ConnectionIdentity {
  /** SESSION_ID of this connection, e.g. `INSUP_SESSION_001`. */
  sessionId: string;
  asId: number;
  logon: DbLogonInfo;
  maxFrameBytes: number;
}

export interface ConnectionDeps {
  connector: SocketConnector;
  scheduler: Scheduler;
  /** the live `logging` config: `insupcFrames` is read per frame, so a reload applies. */
  logging: { insupcFrames: boolean };
}

/**
 * One logged-on TCP connection to an INSUPC server (binary protocol section 6): the state
 * machine of connection-state.ts over four parts — the socket and its reconnects
 * (ReconnectingSocket), liveness (ConnectionKeepalive), the session frames (SessionFrames)
 * and the query path (QueryChannel). Every timer goes through the Scheduler; none is
 * created per request.
 */
export class InsupcConnection {
  state = ConnectionState.CLOSED;
  /** header of every frame this connection sends; transactionId set before each encode. */
  private readonly header: MessageHeader;
  private readonly log: Logger;
  private readonly cfg: InsupcClientConfig;
  private readonly tcp: ReconnectingSocket;
  private readonly keepalive: ConnectionKeepalive;
  private readonly queries: QueryChannel;
  private readonly session: SessionFrames;
  private decoder: FrameDecoder | null = null;
  /** repeated connect failures during one outage are logged once at WARN, then at debug. */
  private failuresThisOutage = 0;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly owner: ConnectionOwner,
    private readonly identity: ConnectionIdentity,
    private readonly deps: ConnectionDeps,
  ) {
    this.cfg = owner.config;
    this.header = { asId: identity.asId, transactionId: 0, sessionId: identity.sessionId };
    this.log = new Logger(`INSUPC|${owner.name}`);
    const now = (): number => deps.scheduler.now();
    this.tcp = new ReconnectingSocket(this.cfg, deps.connector, deps.scheduler, {
      connected: (socket) => this.onConnected(socket),
      data: (chunk) => this.onData(chunk),
      drained: () => this.queries.drained(),
      closed: (reason) => this.onClosed(reason),
    });
    this.keepalive = new ConnectionKeepalive(this.cfg, deps.scheduler, {
      sendHeartbeat: () => this.sendHeartbeat(),
      heartbeatMissed: (misses) =>
        this.log.warn(
          `[INSUPC|${owner.name}] heartbeat unanswered within ${this.cfg.heartbeatTimeout}ms (${misses}/${this.cfg.heartbeatMaxMisses}), session=${this.sessionId}`,
        ),
      expired: (reason, idle) => this.onExpired(reason, idle),
    });
    const wire = {
      readySocket: () => (this.state === ConnectionState.READY ? this.tcp.socket : null),
      write: (socket: Socket, frame: Buffer) => this.write(socket, frame),
      now,
    };
    this.queries = new QueryChannel(owner, this.header, identity.maxFrameBytes, wire, this.log);
    const host = {
      currentState: () => this.state,
      loggedOn: () => {
        this.transition('logonAccepted');
        this.keepalive.startHeartbeats();
      },
      logonDenied: (reason: string) => this.tcp.abort(reason),
      heartbeatAnswered: () => this.keepalive.heartbeatAnswered(),
      reply: (frame: Buffer) => this.tcp.socket && this.write(this.tcp.socket, frame),
      now,
    };
    this.session = new SessionFrames(owner, this.header, this.queries, host, this.log);
  }

  get sessionId(): string {
    return this.identity.sessionId;
  }

  get pending(): { readonly size: number } {
    return this.queries.pending;
  }

  /** READY and under the write-backlog limit: the one "routable" test for a connection. */
  acceptsQueries(): boolean {
    const socket = this.tcp.socket;
    return (
      this.state === ConnectionState.READY && socket !== null && this.queries.acceptsQueries(socket)
    );
  }

  start(): void {
    if (this.state === ConnectionState.CLOSED && !this.tcp.retryPending) this.connect();
  }

  /** Sends one DB_QUERY_REQUEST; `request` is settled exactly once (see QueryChannel.send). */
  send(apiName: string, inputParams: readonly string[], request: PendingRequest): void {
    this.queries.send(apiName, inputParams, request);
  }

  /** Rejects requests written before `sentBefore` with TIMEOUT (the transport's backstop). */
  expire(sentBefore: number): number {
    return this.queries.expire(sentBefore);
  }

  /**
   * Graceful close (binary protocol section 6.6): DB_RELEASE_REQUEST when logged on, then
   * end the socket; never reconnects afterwards. Resolves once the socket is closed.
   */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    const wasReady = this.state === ConnectionState.READY;
    this.transition('stop');
    this.keepalive.stop();
    this.queries.failAll('gateway shutting down');
    let release: Buffer | undefined;
    if (wasReady && this.tcp.socket) {
      this.header.transactionId = this.queries.pending.nextTransactionId();
      release = encodeDbReleaseRequest(this.header);
      if (this.deps.logging.insupcFrames) this.trace('->', release);
      this.log.log(`DB_RELEASE_REQUEST sent: session=${this.sessionId}`);
    }
    this.stopped = this.tcp.end(release);
    return this.stopped;
  }

  private connect(): void {
    if (this.transition('connect')) this.tcp.open();
  }

  private onConnected(socket: Socket): void {
    if (!this.transition('connected')) return;
    this.failuresThisOutage = 0;
    this.queries.reset();
    this.decoder = new FrameDecoder({
      maxFrameBytes: this.identity.maxFrameBytes,
      onFrame: (frame) => {
        if (this.deps.logging.insupcFrames) this.trace('<-', frame.buffer);
        this.session.onFrame(frame);
      },
    });
    this.log.log(
      `TCP_CONNECTION: [INSUPC|${this.owner.name}] connected to ${this.cfg.host}:${this.cfg.port}, session=${this.sessionId}, sending DB_ACCESS_REQUEST`,
    );
    this.keepalive.startWatchdog();
    this.header.transactionId = this.queries.pending.nextTransactionId();
    let logon: Buffer;
    try {
      logon = encodeDbAccessRequest(this.header, this.identity.logon);
    } catch (err) {
      // Config validation keeps this from happening; should it, the connection fails and
      // retries like any other, and the message names the field only (never its value).
      this.log.error(
        `[INSUPC|${this.owner.name}] DB_ACCESS_REQUEST not encodable: ${(err as Error).message}, session=${this.sessionId}`,
      );
      return this.tcp.abort('logon not encodable');
    }
    this.write(socket, logon);
  }

  private onData(chunk: Buffer): void {
    if (!this.decoder) return;
    this.keepalive.noteRead();
    const error = this.decoder.push(chunk);
    if (error) {
      this.log.error(
        `[INSUPC|${this.owner.name}] protocol violation (${error.code}): ${error.message}, session=${this.sessionId}`,
      );
      this.tcp.abort(`protocol violation ${error.code}`);
    }
  }

  private onExpired(reason: 'read timeout' | 'heartbeats unanswered', idle: number): void {
    if (reason === 'heartbeats unanswered') {
      return this.tcp.abort(`${this.cfg.heartbeatMaxMisses} heartbeats unanswered`);
    }
    this.log.warn(
      `ReadTimeout detected: [INSUPC|${this.owner.name}] no frame for ${Math.round(idle)}ms (read-timeout ${this.cfg.readTimeout}ms) in ${this.state}, session=${this.sessionId}`,
    );
    this.tcp.abort('read timeout');
  }

  private onClosed(reason: string): void {
    const wasState = this.state;
    this.decoder = null;
    this.keepalive.stop();
    if (wasState === ConnectionState.STOPPED) return;
    this.transition('closed');
    if (wasState === ConnectionState.READY) {
      this.owner.counters.connectionLosses++;
      this.queries.failAll(`connection lost (${reason})`);
    }
    const where = `[INSUPC|${this.owner.name}]`;
    if (wasState === ConnectionState.CONNECTING) {
      const line = `${where} connect to ${this.cfg.host}:${this.cfg.port} failed: ${reason}, session=${this.sessionId}`;
      if (this.failuresThisOutage++ === 0)
        this.log.warn(`${line}; retrying every ${this.cfg.retryInterval}ms`);
      else this.log.debug(line);
    } else {
      this.log.warn(
        `Reconnection triggered: ${where} session=${this.sessionId} closed in ${wasState} (${reason}), reconnecting in ${this.cfg.retryInterval}ms`,
      );
    }
    this.tcp.retryLater(() => this.connect());
  }

  /** every frame out goes here: one boolean check when `logging.insupc-frames` is off. */
  private write(socket: Socket, frame: Buffer): void {
    if (this.deps.logging.insupcFrames) this.trace('->', frame);
    socket.write(frame);
  }

  private trace(arrow: '<-' | '->', bytes: Buffer): void {
    this.log.debug(`INSUPC frame ${arrow} ${this.sessionId}\n${formatFrameTree(bytes)}`);
  }

  private sendHeartbeat(): boolean {
    const socket = this.tcp.socket;
    if (!socket || this.state !== ConnectionState.READY) return false;
    this.header.transactionId = this.queries.pending.nextTransactionId();
    this.write(socket, encodeDbNettestRequest(this.header));
    return true;
  }

  private transition(event: ConnectionEvent): boolean {
    const next = nextConnectionState(this.state, event);
    if (next === null) return false;
    const was = this.state;
    this.state = next;
    if (next === ConnectionState.READY) this.owner.connectionReady();
    else if (was === ConnectionState.READY) this.owner.connectionLost();
    return true;
  }
}
