import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  FrameDecoder,
  MsgCode,
  Offset,
  ResultCode,
  encodeDbAccessRequest,
  encodeDbQueryRequest,
  formatHexByte,
  type Frame,
} from '../../../libs/insupc-protocol/src';
import type { AnswerSink } from '../../sipsvc-loadgen/src/load-connection';
import { SocketLoadConnection } from '../../sipsvc-loadgen/src/socket-load-connection';

export interface InsupcTarget {
  host: string;
  port: number;
  api: string;
  params: string[];
  /** AS_ID and SESSION_ID of this connection (what a gateway would send). */
  asId: number;
  sessionId: string;
}

const LOGON = { systemName: 'BENCH', logonId: 'bench', password: 'bench' };

/**
 * One binary INSUPC connection of the load generator, as the gateway would hold it: logs on
 * with DB_ACCESS_REQUEST, then sends DB_QUERY_REQUESTs whose TRANSACTION_ID is this
 * connection's sequence number. The query is encoded once; each send copies it and patches
 * the TRANSACTION_ID. Each DB_QUERY_RESPONSE goes to the generator with its RESULT byte.
 */
export class InsupcLoadConnection extends SocketLoadConnection {
  private readonly decoder: FrameDecoder;
  private readonly query: Buffer;
  private logonWaiter: ((frame: Frame) => void) | undefined;

  private constructor(socket: Socket, target: InsupcTarget, sink: AnswerSink) {
    super(socket, sink);
    const header = { asId: target.asId, transactionId: 0, sessionId: target.sessionId };
    this.query = encodeDbQueryRequest(header, target.api, target.params);
    this.decoder = new FrameDecoder({ onFrame: (frame) => this.onFrame(frame) });
    this.listen((chunk) => {
      const error = this.decoder.push(chunk);
      return error ? `undecodable data from server: ${error.code} ${error.message}` : undefined;
    });
  }

  static open(target: InsupcTarget, sink: AnswerSink, timeoutMs = 5000) {
    return SocketLoadConnection.openWith(
      target,
      timeoutMs,
      (socket) => new InsupcLoadConnection(socket, target, sink),
      (conn) => conn.logOn(target, timeoutMs),
    );
  }

  sendExecute(): void {
    const seq = this.tracker.sent(performance.now());
    const frame = Buffer.allocUnsafe(this.query.length);
    this.query.copy(frame);
    frame.writeUInt32LE(seq >>> 0, Offset.TRANSACTION_ID);
    this.socket.write(frame);
  }

  private logOn(target: InsupcTarget, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no DB_ACCESS_RESPONSE')), timeoutMs);
      this.logonWaiter = (frame) => {
        clearTimeout(timer);
        if (frame.result === ResultCode.SUCCESS) resolve();
        else reject(new Error(`logon refused: result ${formatHexByte(frame.result)}`));
      };
      const header = { asId: target.asId, transactionId: 0, sessionId: target.sessionId };
      this.socket.write(encodeDbAccessRequest(header, LOGON));
    });
  }

  private onFrame(frame: Frame): void {
    if (frame.msgCode === MsgCode.DB_ACCESS_RESPONSE) {
      const waiter = this.logonWaiter;
      this.logonWaiter = undefined;
      waiter?.(frame);
      return;
    }
    if (frame.msgCode !== MsgCode.DB_QUERY_RESPONSE) return; // status pushes, heartbeats
    const now = performance.now();
    const sendTime = this.tracker.answer(frame.transactionId);
    this.sink.answer(this, frame.result, sendTime, now);
  }
}
