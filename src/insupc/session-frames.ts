import { Logger } from '@nestjs/common';
import {
  encodeDbStatusResponse,
  formatHexByte,
  Frame,
  MessageHeader,
  MsgCode,
  msgCodeName,
  readDbStatus,
  readErrorText,
  ResultCode,
} from '../../libs/insupc-protocol/src';
import { LogThrottle } from '../common/log-throttle';
import type { ConnectionOwner } from './connection-owner';
import { ConnectionState } from './connection-state';
import type { QueryChannel } from './query-channel';

/** What the session part needs from its connection. */
export interface SessionHost {
  currentState(): ConnectionState;
  /** logon accepted: READY, heartbeats start. */
  loggedOn(): void;
  /** logon denied: the connection closes with `reason` and retries later. */
  logonDenied(reason: string): void;
  heartbeatAnswered(): void;
  /** writes a frame on the current socket. */
  reply(frame: Buffer): void;
  now(): number;
}

/**
 * The INSUPC session seen from the frames the server sends (binary protocol section 6): the
 * logon answer, heartbeat answers, DB_STATUS pushes, query answers (to the QueryChannel) and
 * anything unexpected. Per-frame lines a peer can repeat at will are rate-limited (the log
 * throttle: first line, then a count); status-change lines are written exactly on changes.
 */
export class SessionFrames {
  private everReady = false;
  private readonly unexpectedFrames = new LogThrottle();
  private readonly statusPushes = new LogThrottle();
  private readonly sameStatusPushes = new LogThrottle();
  private readonly heartbeatAnswers = new LogThrottle();

  constructor(
    private readonly owner: ConnectionOwner,
    private readonly header: MessageHeader,
    private readonly queries: QueryChannel,
    private readonly host: SessionHost,
    private readonly log: Logger,
  ) {}

  onFrame(frame: Frame): void {
    switch (frame.msgCode) {
      case MsgCode.DB_QUERY_RESPONSE:
        return this.queries.onResponse(frame);
      case MsgCode.DB_ACCESS_RESPONSE:
        return this.onAccessResponse(frame);
      case MsgCode.DB_NETTEST_RESPONSE:
        return this.onNettestResponse(frame);
      case MsgCode.DB_STATUS_REQUEST:
        return this.onStatusRequest(frame);
      default:
        this.unexpected(`${msgCodeName(frame.msgCode)} frame`);
    }
  }

  private get where(): string {
    return `[INSUPC|${this.owner.name}]`;
  }

  private unexpected(what: string): void {
    const suffix = this.unexpectedFrames.take(this.host.now());
    if (suffix === null) return;
    this.log.warn(
      `${this.where} ignoring unexpected ${what} in ${this.host.currentState()}, session=${this.header.sessionId}${suffix}`,
    );
  }

  private onAccessResponse(frame: Frame): void {
    if (this.host.currentState() !== ConnectionState.LOGGING_ON)
      return this.unexpected('DB_ACCESS_RESPONSE');
    const session = this.header.sessionId;
    if (frame.result !== ResultCode.SUCCESS) {
      this.owner.counters.logonFailures++;
      const text = readErrorText(frame);
      this.log.error(
        `INSUPC_LOGON_FAILED: result=${formatHexByte(frame.result)}, server=${this.owner.name}, session=${session}${text ? `, reason=${text}` : ''}`,
      );
      this.host.logonDenied(`logon denied (${formatHexByte(frame.result)})`);
      return;
    }
    const status = readDbStatus(frame);
    if (this.everReady) this.owner.counters.reconnects++;
    this.everReady = true;
    this.log.log(`${this.where} logged on: session=${session}, dbStatus=${status ?? 'missing'}`);
    // the status first: the server is routable with it the moment it counts as logged on
    if (status) this.owner.reportStatus(status);
    else this.log.warn(`${this.where} DB_ACCESS_RESPONSE without a valid DB_STATUS`);
    this.host.loggedOn();
  }

  private onNettestResponse(frame: Frame): void {
    this.host.heartbeatAnswered();
    const status = readDbStatus(frame);
    if (status) this.owner.reportStatus(status);
    if (this.heartbeatAnswers.take(this.host.now()) !== null) {
      this.log.debug(
        `${this.where} heartbeat answered: session=${this.header.sessionId}, dbStatus=${status}`,
      );
    }
  }

  /**
   * DB_STATUS_REQUEST push: answered every time; logged at INFO when it changes the status
   * (or is invalid), at debug when it repeats it.
   */
  private onStatusRequest(frame: Frame): void {
    const status = readDbStatus(frame);
    const changed = status !== this.owner.dbStatus;
    const suffix = (changed ? this.statusPushes : this.sameStatusPushes).take(this.host.now());
    const session = `session=${this.header.sessionId}`;
    if (suffix !== null) {
      this.line(
        changed,
        `INSUPC_STATUS_NOTIFICATION: ${session}, newStatus=${status ?? 'invalid'}${suffix}`,
      );
    }
    if (status) this.owner.reportStatus(status);
    const result = status ? ResultCode.SUCCESS : ResultCode.INVALID_PARAM;
    this.header.transactionId = frame.transactionId;
    this.host.reply(encodeDbStatusResponse(this.header, result));
    if (suffix !== null) {
      this.line(changed, `DB_STATUS_RESPONSE sent: ${session}, result=${formatHexByte(result)}`);
    }
  }

  private line(info: boolean, text: string): void {
    if (info) this.log.log(text);
    else this.log.debug(text);
  }
}
