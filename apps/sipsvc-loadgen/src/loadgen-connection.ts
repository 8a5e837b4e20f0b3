import { type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { createFrameDecoder } from '../../../libs/sipsvc-protocol/src/create-frame-decoder';
import type { FrameDecoder } from '../../../libs/sipsvc-protocol/src/frame-decoder';
import {
  frameEncoderFor,
  type FrameEncoder,
  type SipsvcFraming,
} from '../../../libs/sipsvc-protocol/src/frame-encoder';
import type { AnswerSink } from './load-connection';
import { SocketLoadConnection } from './socket-load-connection';

export interface ConnectionTarget {
  host: string;
  port: number;
  framing: SipsvcFraming;
  ip: string;
  mac: string;
  key: string;
  api: string;
  params: string[];
  /** TLS to the gateway (`--tls-ca`, `--tls-cert`, `--tls-key`); plain TCP when absent. */
  tls?: ConnectionOptions;
}

const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * One SIPSVC connection of the load generator: authenticates, then sends executes whose
 * `reqNo` is this connection's sequence number, and hands each answer to the generator.
 * The execute text is built from a prefix and suffix computed once (only the reqNo varies).
 */
export class LoadgenConnection extends SocketLoadConnection {
  private readonly decoder: FrameDecoder;
  private readonly encode: FrameEncoder;
  private executePrefix = '';
  private executeSuffix = '';
  private authWaiter: ((msg: Record<string, unknown>) => void) | undefined;

  private constructor(socket: Socket, target: ConnectionTarget, sink: AnswerSink) {
    super(socket, sink);
    this.encode = frameEncoderFor(target.framing);
    this.decoder = createFrameDecoder(target.framing, MAX_ANSWER_BYTES, {
      frame: (bytes) => this.onFrame(bytes),
      violation: (reason) => this.fail(`undecodable data from gateway: ${reason}`),
    });
    this.listen((chunk) => this.decoder.push(chunk));
  }

  static open(target: ConnectionTarget, sink: AnswerSink, timeoutMs = 5000) {
    return SocketLoadConnection.openWith(
      target,
      timeoutMs,
      (socket) => new LoadgenConnection(socket, target, sink),
      (conn) => conn.authenticate(target, timeoutMs),
    );
  }

  /** sends one execute (the caller decides when). */
  sendExecute(): void {
    const seq = this.tracker.sent(performance.now());
    this.socket.write(this.encode(this.executePrefix + seq + this.executeSuffix));
  }

  private authenticate(target: ConnectionTarget, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no auth answer')), timeoutMs);
      this.authWaiter = (msg) => {
        clearTimeout(timer);
        if (msg.result !== 0 || typeof msg.token !== 'string') {
          reject(new Error(`auth refused: ${String(msg.resultDesc)}`));
          return;
        }
        this.executePrefix = `{"cmd":"execute","token":${JSON.stringify(msg.token)},"reqNo":"`;
        this.executeSuffix =
          `","seq":"001","service":${JSON.stringify(target.api)},"reqBody":` +
          JSON.stringify({ apiName: target.api, inputParams: target.params }) +
          '}';
        resolve();
      };
      this.socket.write(
        this.encode(
          JSON.stringify({
            cmd: 'auth',
            ipAddr: target.ip,
            macAddr: target.mac,
            accessKey: Buffer.from(target.key, 'utf8').toString('base64'),
            reqNo: 'auth',
          }),
        ),
      );
    });
  }

  private onFrame(bytes: Buffer): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    } catch {
      this.fail('gateway sent malformed JSON');
      return;
    }
    const waiter = this.authWaiter;
    if (waiter) {
      this.authWaiter = undefined;
      waiter(msg);
      return;
    }
    const now = performance.now();
    const sendTime = this.tracker.answer(Number(msg.reqNo));
    const result = typeof msg.result === 'number' ? msg.result : NaN;
    this.sink.answer(this, result, sendTime, now);
  }
}
