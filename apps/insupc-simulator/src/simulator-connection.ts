import type { Socket } from 'node:net';
import {
  FrameDecoder,
  MsgCode,
  ResultCode,
  decodeDbQueryRequest,
  encodeDbAccessResponse,
  encodeDbNettestResponse,
  encodeDbQueryResponse,
  encodeDbStatusRequest,
  formatHexByte,
  type DbStatus,
  type Frame,
  type MessageHeader,
} from '../../../libs/insupc-protocol/src';
import { DelayedWriter, type FrameSink } from './delayed-writer';
import type { InstanceStats } from './instance-stats';
import { answerQuery, type ApiCatalog, type QueryAnswer } from './query-answer';
import type { Scenario } from './scenario';
import type { SimulatorLogger } from './simulator-logger';

/** What a connection needs from the instance that accepted it (read at use time). */
export interface ConnectionContext {
  readonly name: string;
  readonly dbStatus: DbStatus;
  readonly stats: InstanceStats;
  readonly apis: ApiCatalog;
  readonly maxFrameBytes: number;
  readonly log: SimulatorLogger;
  scenario(): Scenario;
  /** delay for query answers: global responseDelayMs + the scenario's delayMs. */
  queryDelayMs(): number;
  nextTransactionId(): number;
}

/**
 * One gateway connection: decode, answer per scenario, count. No per-frame logging.
 * Only query answers go through the delay queue; LOGON, heartbeat and status frames are
 * written at once (a slow database does not slow the server's heartbeat).
 */
export class SimulatorConnection implements FrameSink {
  private readonly decoder: FrameDecoder;
  private readonly writer: DelayedWriter;
  private loggedOn = false;
  /** header values learnt from LOGON, used for server-initiated DB_STATUS_REQUEST. */
  private peer: MessageHeader = { asId: 0, transactionId: 0, sessionId: '' };
  private paused = false;
  readonly remote: string;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: ConnectionContext,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.decoder = new FrameDecoder({
      maxFrameBytes: ctx.maxFrameBytes,
      onFrame: (frame) => this.onFrame(frame),
    });
    this.writer = new DelayedWriter(this);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', (err) =>
      ctx.log.debug(`${ctx.name}: ${this.remote} socket error: ${err.message}`),
    );
    socket.on('close', () => this.writer.clear());
  }

  get isLoggedOn(): boolean {
    return this.loggedOn;
  }

  /** FrameSink: every answer goes out here, now or after its delay. */
  write(frame: Buffer): void {
    if (this.socket.destroyed) return;
    this.ctx.stats.sent[frame[4]]++;
    if (!this.socket.write(frame) && !this.paused) {
      // Back-pressure: stop reading requests until the peer drains our answers.
      this.paused = true;
      this.socket.pause();
    }
  }

  /** Sends DB_STATUS_REQUEST with the instance's current status; false if not logged on. */
  pushStatus(): boolean {
    if (!this.loggedOn || this.socket.destroyed) return false;
    const h = { ...this.peer, transactionId: this.ctx.nextTransactionId() };
    this.write(encodeDbStatusRequest(h, this.ctx.dbStatus));
    return true;
  }

  close(): void {
    this.writer.clear();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.socket.cork();
    const error = this.decoder.push(chunk);
    this.socket.uncork();
    if (error) {
      this.ctx.stats.protocolErrors++;
      this.ctx.log.warn(
        `${this.ctx.name}: protocol error from ${this.remote}: ${error.code} ${error.message}; closing`,
      );
      this.close();
    }
  }

  private onDrain(): void {
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private onFrame(frame: Frame): void {
    const ctx = this.ctx;
    ctx.stats.received[frame.msgCode]++;
    switch (frame.msgCode) {
      case MsgCode.DB_QUERY_REQUEST:
        return this.onQuery(frame);
      case MsgCode.DB_NETTEST_REQUEST:
        if (ctx.scenario().heartbeat === 'answer') {
          this.write(encodeDbNettestResponse(replyHeader(frame), ctx.dbStatus));
        }
        return;
      case MsgCode.DB_ACCESS_REQUEST:
        return this.onLogon(frame);
      case MsgCode.DB_RELEASE_REQUEST:
        ctx.log.log(`${ctx.name}: DB_RELEASE received from ${this.remote}`);
        this.loggedOn = false;
        return;
      default:
        // DB_STATUS_RESPONSE and unknown codes: counted only.
        return;
    }
  }

  private onLogon(frame: Frame): void {
    const scenario = this.ctx.scenario();
    const h = replyHeader(frame);
    if (scenario.logon === 'ignore') return;
    if (scenario.logon === 'deny') {
      const result = scenario.logonResult;
      this.ctx.log.log(
        `${this.ctx.name}: LOGON from ${this.remote} denied (result=${formatHexByte(result)})`,
      );
      this.write(encodeDbAccessResponse(h, result, this.ctx.dbStatus, 'login denied'));
      return;
    }
    this.loggedOn = true;
    this.peer = h;
    this.ctx.log.debug(`${this.ctx.name}: LOGON from ${this.remote} session=${h.sessionId}`);
    this.write(encodeDbAccessResponse(h, ResultCode.SUCCESS, this.ctx.dbStatus));
  }

  private onQuery(frame: Frame): void {
    const ctx = this.ctx;
    const scenario = ctx.scenario();
    if (scenario.query === 'ignore') return;
    if (scenario.query === 'close') {
      this.ctx.log.debug(`${ctx.name}: closing the connection on a query (scenario)`);
      this.close();
      return;
    }
    const h = replyHeader(frame);
    if (!this.loggedOn) {
      const reply = encodeDbQueryResponse(h, ResultCode.LOGIN_DENIED, {
        errorText: 'not logged on',
      });
      this.writer.send(reply, 0);
      return;
    }
    const request = decodeDbQueryRequest(frame);
    const answer = answerQuery(
      scenario,
      ctx.apis,
      ctx.name,
      request?.apiName,
      request?.inputParams ?? [],
    );
    if (answer)
      this.writer.send(this.encodeAnswer(h, answer, request?.apiName), ctx.queryDelayMs());
  }

  /**
   * An echo can outgrow a parameter's uint16 LENGTH (a 42 KB execute of quotes becomes an
   * 84 KB SQL_OUTPUT): answered QUERY_ERROR instead, since a throw here would end the process.
   */
  private encodeAnswer(h: MessageHeader, answer: QueryAnswer, apiName: string | undefined): Buffer {
    try {
      return encodeDbQueryResponse(h, answer.result, answer);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.ctx.log.warn(
        `${this.ctx.name}: answer to ${apiName?.slice(0, 64)} from ${this.remote} not encodable (${reason}); answered QUERY_ERROR`,
      );
      return encodeDbQueryResponse(h, ResultCode.QUERY_ERROR, {
        errorText: `answer not encodable: ${reason}`,
      });
    }
  }
}

/** A response echoes AS_ID, TRANSACTION_ID, SESSION_ID and SVC_ID of its request. */
function replyHeader(frame: Frame): MessageHeader {
  return {
    asId: frame.asId,
    transactionId: frame.transactionId,
    sessionId: frame.sessionId,
    svcId: frame.svcId,
  };
}
