import { Logger } from '@nestjs/common';
import type { Socket } from 'node:net';
import {
  DbLogonInfo,
  encodeDbAccessRequest,
  encodeDbNettestRequest,
  encodeDbQueryRequest,
  encodeDbReleaseRequest,
  encodeDbStatusResponse,
  formatHexByte,
  Frame,
  FrameDecoder,
  MessageHeader,
  MsgCode,
  msgCodeName,
  readDbStatus,
  readErrorText,
  readSqlOutput,
  ResultCode,
} from '../../libs/insupc-protocol/src';
import { InsupcClientConfig } from '../config/config.schema';
import { ConnectionEvent, ConnectionState, nextConnectionState } from './connection-state';
import { InsupcAnswer, InsupcQueryError } from '../contracts/insupc-query.port';
import { InsupcServerPool } from './insupc-server-pool';
import { PendingRequests } from './pending-requests';
import { SocketConnector } from './socket-connector';

export interface ConnectionIdentity {
  /** SESSION_ID of this connection, e.g. `INSUP_SESSION_001`. */
  sessionId: string;
  asId: number;
  logon: DbLogonInfo;
  maxFrameBytes: number;
}

/** How long a graceful stop waits for the peer to close before destroying the socket. */
const STOP_GRACE_MS = 1000;

/** `failureByResult` keys ("0x10"), built once per RESULT byte instead of per answer. */
const RESULT_KEYS: string[] = Array.from({ length: 256 }, (_, i) => formatHexByte(i));

/**
 * One logged-on TCP connection to an INSUPC server (binary protocol section 6), an explicit
 * state machine (see connection-state.ts). Owns its socket, its frame decoder, its pending
 * DB_QUERY table and its timers: connect timeout, read-timeout watchdog, heartbeat interval,
 * heartbeat-answer timeout and the reconnect delay. No timer is created per request.
 */
export class InsupcConnection {
  state = ConnectionState.CLOSED;
  readonly pending = new PendingRequests();
  private socket: Socket | null = null;
  private decoder: FrameDecoder | null = null;
  /** header of every frame this connection sends; transactionId set before each encode. */
  private readonly header: MessageHeader;
  private readonly log: Logger;
  private readonly cfg: InsupcClientConfig;

  private connectTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatAnswerTimer: NodeJS.Timeout | null = null;
  private lastReadAt = 0;
  private heartbeatMisses = 0;
  private closeReason = '';
  private everReady = false;
  /** repeated connect failures during one outage are logged once at WARN, then at debug. */
  private failuresThisOutage = 0;
  private stopped: Promise<void> | null = null;
  /** the socket is corked until the end of this tick (see query). */
  private corked: Socket | null = null;

  constructor(
    private readonly pool: InsupcServerPool,
    private readonly identity: ConnectionIdentity,
    private readonly connector: SocketConnector,
  ) {
    this.cfg = pool.config;
    this.header = { asId: identity.asId, transactionId: 0, sessionId: identity.sessionId };
    this.log = new Logger(`INSUPC|${pool.name}`);
  }

  get sessionId(): string {
    return this.identity.sessionId;
  }

  /** bytes written to the socket and not yet taken by the kernel (the server is not reading). */
  writeBacklog(): number {
    return this.socket?.writableLength ?? 0;
  }

  start(): void {
    if (this.state === ConnectionState.CLOSED && !this.retryTimer) this.connect();
  }

  /** Sends one DB_QUERY_REQUEST; only called on a READY connection (the pool picks one). */
  query(apiName: string, inputParams: readonly string[]): Promise<InsupcAnswer> {
    const socket = this.socket;
    if (this.state !== ConnectionState.READY || !socket) {
      return Promise.reject(
        new InsupcQueryError(
          'CONNECTION_LOST',
          `${this.pool.name}: connection not ready`,
          this.pool.name,
        ),
      );
    }
    const transactionId = this.pending.nextTransactionId();
    this.header.transactionId = transactionId;
    let frame: Buffer;
    try {
      frame = encodeDbQueryRequest(this.header, apiName, inputParams);
    } catch (err) {
      return Promise.reject(
        new InsupcQueryError('INVALID_REQUEST', (err as Error).message, this.pool.name),
      );
    }
    return new Promise<InsupcAnswer>((resolve, reject) => {
      this.pending.add(transactionId, { resolve, reject, sentAt: Date.now() });
      this.pool.counters.requests++;
      this.corkUntilNextTick(socket);
      socket.write(frame);
    });
  }

  /**
   * Queries sent in the same tick (one drain of the SIPSVC receive queue) leave in one writev
   * rather than one syscall each; uncorked on process.nextTick, before any I/O or timer.
   */
  private corkUntilNextTick(socket: Socket): void {
    if (this.corked) return;
    this.corked = socket;
    socket.cork();
    process.nextTick(this.uncork);
  }

  private readonly uncork = (): void => {
    this.corked?.uncork();
    this.corked = null;
  };

  /**
   * Graceful close (binary protocol section 6.6): DB_RELEASE_REQUEST when logged on, then
   * end the socket; never reconnects afterwards. Resolves once the socket is closed.
   */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    const socket = this.socket;
    const wasReady = this.state === ConnectionState.READY;
    this.transition('stop');
    this.clearTimers();
    this.clearRetry();
    this.failPending('CONNECTION_LOST', 'gateway shutting down');
    if (!socket || socket.destroyed) {
      this.stopped = Promise.resolve();
      return this.stopped;
    }
    this.stopped = new Promise<void>((resolve) => {
      const grace = setTimeout(() => socket.destroy(), STOP_GRACE_MS);
      socket.once('close', () => {
        clearTimeout(grace);
        resolve();
      });
      if (wasReady) {
        this.header.transactionId = this.pending.nextTransactionId();
        socket.write(encodeDbReleaseRequest(this.header));
        this.log.log(`DB_RELEASE_REQUEST sent: session=${this.sessionId}`);
      }
      socket.end();
    });
    return this.stopped;
  }

  /** Rejects requests written before `sentBefore` with TIMEOUT (the transport's backstop). */
  expire(sentBefore: number): number {
    if (this.pending.size === 0) return 0;
    const n = this.pending.expire(
      sentBefore,
      new InsupcQueryError(
        'TIMEOUT',
        `${this.pool.name}: no DB_QUERY_RESPONSE in time`,
        this.pool.name,
      ),
    );
    this.pool.counters.timeouts += n;
    return n;
  }

  // ---- connection life cycle ----

  private connect(): void {
    if (!this.transition('connect')) return;
    const socket = this.connector(this.cfg.host, this.cfg.port);
    this.socket = socket;
    this.closeReason = '';
    socket.setNoDelay(true);
    this.connectTimer = setTimeout(
      () => this.abort(socket, `connect timeout after ${this.cfg.connectTimeout}ms`),
      this.cfg.connectTimeout,
    );
    socket.once('connect', () => this.onConnected(socket));
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err: Error) => {
      if (!this.closeReason) this.closeReason = err.message;
    });
    socket.on('drain', () => this.pool.backlogDrained(this));
    socket.once('close', () => this.onClosed(socket));
  }

  private onConnected(socket: Socket): void {
    if (socket !== this.socket || !this.transition('connected')) return;
    this.clearConnectTimer();
    this.failuresThisOutage = 0;
    this.decoder = new FrameDecoder({
      maxFrameBytes: this.identity.maxFrameBytes,
      onFrame: (frame) => this.onFrame(frame),
    });
    this.log.log(
      `TCP_CONNECTION: [INSUPC|${this.pool.name}] connected to ${this.cfg.host}:${this.cfg.port}, session=${this.sessionId}, sending DB_ACCESS_REQUEST`,
    );
    this.lastReadAt = Date.now();
    this.armReadTimer(this.cfg.readTimeout);
    this.header.transactionId = this.pending.nextTransactionId();
    socket.write(encodeDbAccessRequest(this.header, this.identity.logon));
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket || !this.decoder) return;
    this.lastReadAt = Date.now();
    const error = this.decoder.push(chunk);
    if (error) {
      this.log.error(
        `[INSUPC|${this.pool.name}] protocol violation (${error.code}): ${error.message}, session=${this.sessionId}`,
      );
      this.abort(socket, `protocol violation ${error.code}`);
    }
  }

  private onClosed(socket: Socket): void {
    if (socket !== this.socket) return;
    const wasState = this.state;
    this.socket = null;
    this.decoder = null;
    this.clearTimers();
    if (wasState === ConnectionState.STOPPED) return;
    this.transition('closed');
    const reason = this.closeReason || 'closed by peer';
    if (wasState === ConnectionState.READY) {
      this.pool.connectionLost();
      this.pool.counters.connectionLosses++;
      this.failPending('CONNECTION_LOST', `connection lost (${reason})`);
    }
    if (wasState === ConnectionState.CONNECTING) {
      const line = `[INSUPC|${this.pool.name}] connect to ${this.cfg.host}:${this.cfg.port} failed: ${reason}, session=${this.sessionId}`;
      if (this.failuresThisOutage++ === 0)
        this.log.warn(`${line}; retrying every ${this.cfg.retryInterval}ms`);
      else this.log.debug(line);
    } else {
      this.log.warn(
        `Reconnection triggered: [INSUPC|${this.pool.name}] session=${this.sessionId} closed in ${wasState} (${reason}), reconnecting in ${this.cfg.retryInterval}ms`,
      );
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.cfg.retryInterval);
  }

  /** closes the socket; onClosed does the bookkeeping and schedules the reconnect. */
  private abort(socket: Socket, reason: string): void {
    if (!this.closeReason) this.closeReason = reason;
    socket.destroy();
  }

  // ---- frames ----

  private onFrame(frame: Frame): void {
    switch (frame.msgCode) {
      case MsgCode.DB_QUERY_RESPONSE:
        return this.onQueryResponse(frame);
      case MsgCode.DB_ACCESS_RESPONSE:
        return this.onAccessResponse(frame);
      case MsgCode.DB_NETTEST_RESPONSE:
        return this.onNettestResponse(frame);
      case MsgCode.DB_STATUS_REQUEST:
        return this.onStatusRequest(frame);
      default:
        this.log.warn(
          `[INSUPC|${this.pool.name}] ignoring unexpected ${msgCodeName(frame.msgCode)} frame, session=${this.sessionId}`,
        );
    }
  }

  private onQueryResponse(frame: Frame): void {
    const counters = this.pool.counters;
    const request = this.pending.take(frame.transactionId);
    if (!request) {
      counters.unmatchedResponses++;
      this.log.debug(
        `[INSUPC|${this.pool.name}] DB_QUERY_RESPONSE for unknown TRANSACTION_ID ${frame.transactionId} dropped`,
      );
      return;
    }
    const result = frame.result;
    if (result === ResultCode.SUCCESS) counters.success++;
    else {
      counters.failure++;
      const key = RESULT_KEYS[result];
      counters.failureByResult[key] = (counters.failureByResult[key] ?? 0) + 1;
    }
    request.resolve({
      server: this.pool.name,
      result,
      sqlOutput: readSqlOutput(frame),
      errorText: readErrorText(frame),
    });
  }

  private onAccessResponse(frame: Frame): void {
    if (this.state !== ConnectionState.LOGGING_ON) {
      this.log.warn(
        `[INSUPC|${this.pool.name}] unexpected DB_ACCESS_RESPONSE in ${this.state}, ignored`,
      );
      return;
    }
    const socket = this.socket!;
    if (frame.result !== ResultCode.SUCCESS) {
      this.pool.counters.logonFailures++;
      const text = readErrorText(frame);
      this.log.error(
        `INSUPC_LOGON_FAILED: result=${formatHexByte(frame.result)}, server=${this.pool.name}, session=${this.sessionId}${text ? `, reason=${text}` : ''}`,
      );
      this.abort(socket, `logon denied (${formatHexByte(frame.result)})`);
      return;
    }
    const status = readDbStatus(frame);
    this.transition('logonAccepted');
    this.pool.connectionReady();
    if (this.everReady) this.pool.counters.reconnects++;
    this.everReady = true;
    this.log.log(
      `[INSUPC|${this.pool.name}] logged on: session=${this.sessionId}, dbStatus=${status ?? 'missing'}`,
    );
    if (status) this.pool.reportStatus(status);
    else this.log.warn(`[INSUPC|${this.pool.name}] DB_ACCESS_RESPONSE without a valid DB_STATUS`);
    this.heartbeatMisses = 0;
    this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), this.cfg.heartbeatInterval);
  }

  private onNettestResponse(frame: Frame): void {
    this.heartbeatMisses = 0;
    if (this.heartbeatAnswerTimer) {
      clearTimeout(this.heartbeatAnswerTimer);
      this.heartbeatAnswerTimer = null;
    }
    const status = readDbStatus(frame);
    if (status) this.pool.reportStatus(status);
    this.log.debug(
      `[INSUPC|${this.pool.name}] heartbeat answered: session=${this.sessionId}, dbStatus=${status}`,
    );
  }

  private onStatusRequest(frame: Frame): void {
    const socket = this.socket!;
    const status = readDbStatus(frame);
    this.log.log(
      `INSUPC_STATUS_NOTIFICATION: session=${this.sessionId}, newStatus=${status ?? 'invalid'}`,
    );
    if (status) this.pool.reportStatus(status);
    const result = status ? ResultCode.SUCCESS : ResultCode.INVALID_PARAM;
    this.header.transactionId = frame.transactionId;
    socket.write(encodeDbStatusResponse(this.header, result));
    this.log.log(
      `DB_STATUS_RESPONSE sent: session=${this.sessionId}, result=${formatHexByte(result)}`,
    );
  }

  // ---- timers ----

  private sendHeartbeat(): void {
    const socket = this.socket;
    if (!socket || this.state !== ConnectionState.READY) return;
    this.header.transactionId = this.pending.nextTransactionId();
    socket.write(encodeDbNettestRequest(this.header));
    if (!this.heartbeatAnswerTimer) {
      this.heartbeatAnswerTimer = setTimeout(
        () => this.onHeartbeatMissed(socket),
        this.cfg.heartbeatTimeout,
      );
    }
  }

  private onHeartbeatMissed(socket: Socket): void {
    this.heartbeatAnswerTimer = null;
    this.heartbeatMisses++;
    const max = this.cfg.heartbeatMaxMisses;
    this.log.warn(
      `[INSUPC|${this.pool.name}] heartbeat unanswered within ${this.cfg.heartbeatTimeout}ms (${this.heartbeatMisses}/${max}), session=${this.sessionId}`,
    );
    if (this.heartbeatMisses >= max) this.abort(socket, `${max} heartbeats unanswered`);
  }

  /**
   * Read-timeout watchdog: one timer per connection, re-armed for the remaining time when
   * frames arrived meanwhile (so a busy connection costs no timer work per chunk).
   */
  private armReadTimer(delay: number): void {
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      const socket = this.socket;
      if (!socket) return;
      const idle = Date.now() - this.lastReadAt;
      const timeout = this.cfg.readTimeout;
      if (idle < timeout) return this.armReadTimer(timeout - idle);
      this.log.warn(
        `ReadTimeout detected: [INSUPC|${this.pool.name}] no frame for ${idle}ms (read-timeout ${timeout}ms) in ${this.state}, session=${this.sessionId}`,
      );
      this.abort(socket, 'read timeout');
    }, delay);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private clearTimers(): void {
    this.clearConnectTimer();
    if (this.readTimer) clearTimeout(this.readTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.heartbeatAnswerTimer) clearTimeout(this.heartbeatAnswerTimer);
    this.readTimer = this.heartbeatTimer = this.heartbeatAnswerTimer = null;
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private failPending(code: 'CONNECTION_LOST', why: string): void {
    if (this.pending.size === 0) return;
    this.pending.failAll(new InsupcQueryError(code, `${this.pool.name}: ${why}`, this.pool.name));
  }

  private transition(event: ConnectionEvent): boolean {
    const next = nextConnectionState(this.state, event);
    if (next === null) return false;
    if (this.state === ConnectionState.READY && event === 'stop') this.pool.connectionLost();
    this.state = next;
    return true;
  }
}
