import { connect, type Socket } from 'node:net';
import {
  FrameDecoder,
  MsgCode,
  encodeDbAccessRequest,
  encodeDbNettestRequest,
  encodeDbQueryRequest,
  encodeDbReleaseRequest,
  encodeDbStatusResponse,
  type DbLogonInfo,
  type Frame,
  type FrameError,
  type MessageHeader,
} from '../../libs/insupc-protocol/src';

const DEFAULT_LOGON: DbLogonInfo = {
  systemName: 'AMAS-SES1',
  logonId: 'insupclient',
  password: 'secret',
};

/**
 * A bare INSUPC client over a real socket, for tests: sends codec-built requests and
 * collects every frame it receives. Requests get increasing TRANSACTION_IDs.
 */
export class InsupcRawClient {
  readonly frames: Frame[] = [];
  protocolError: FrameError | undefined;
  closed = false;
  private nextTid = 1;
  private readonly waiters: {
    match: (f: Frame) => boolean;
    resolve: (f: Frame) => void;
    reject: (e: Error) => void;
  }[] = [];

  private constructor(
    readonly socket: Socket,
    readonly header: Omit<MessageHeader, 'transactionId'>,
  ) {
    const decoder = new FrameDecoder({ onFrame: (f) => this.onFrame(f) });
    socket.on('data', (chunk: Buffer) => {
      this.protocolError ??= decoder.push(chunk);
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'));
    });
    socket.on('error', () => undefined);
  }

  static connect(
    port: number,
    header: Partial<Omit<MessageHeader, 'transactionId'>> = {},
    host = '127.0.0.1',
  ): Promise<InsupcRawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(
          new InsupcRawClient(socket, {
            asId: 100,
            sessionId: 'INSUP_SESSION_001',
            svcId: '0001',
            ...header,
          }),
        );
      });
      socket.once('error', reject);
    });
  }

  /** Next TRANSACTION_ID this client will use. */
  tid(): number {
    return this.nextTid++;
  }

  private hdr(transactionId = this.tid()): MessageHeader {
    return { ...this.header, transactionId };
  }

  write(frame: Buffer): void {
    this.socket.write(frame);
  }

  /** Sends DB_ACCESS_REQUEST without waiting; returns its TRANSACTION_ID. */
  sendLogon(logon: DbLogonInfo = DEFAULT_LOGON): number {
    const h = this.hdr();
    this.write(encodeDbAccessRequest(h, logon));
    return h.transactionId;
  }

  logon(logon: DbLogonInfo = DEFAULT_LOGON): Promise<Frame> {
    return this.response(MsgCode.DB_ACCESS_RESPONSE, this.sendLogon(logon));
  }

  heartbeat(): Promise<Frame> {
    const h = this.hdr();
    this.write(encodeDbNettestRequest(h));
    return this.response(MsgCode.DB_NETTEST_RESPONSE, h.transactionId);
  }

  query(apiName: string, inputParams: readonly string[] = []): Promise<Frame> {
    const h = this.hdr();
    this.write(encodeDbQueryRequest(h, apiName, inputParams));
    return this.response(MsgCode.DB_QUERY_RESPONSE, h.transactionId);
  }

  /** Sends a query without waiting; returns its TRANSACTION_ID. */
  sendQuery(apiName: string, inputParams: readonly string[] = []): number {
    const h = this.hdr();
    this.write(encodeDbQueryRequest(h, apiName, inputParams));
    return h.transactionId;
  }

  release(): void {
    this.write(encodeDbReleaseRequest(this.hdr()));
  }

  ackStatus(request: Frame): void {
    this.write(encodeDbStatusResponse(this.hdr(request.transactionId)));
  }

  /** The first received frame (past or future) with this code and, if given, TRANSACTION_ID. */
  response(msgCode: number, transactionId?: number, timeoutMs = 5000): Promise<Frame> {
    const match = (f: Frame): boolean =>
      f.msgCode === msgCode && (transactionId === undefined || f.transactionId === transactionId);
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no frame code=${msgCode} tid=${transactionId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  received(msgCode: number): Frame[] {
    return this.frames.filter((f) => f.msgCode === msgCode);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }

  private onFrame(frame: Frame): void {
    this.frames.push(frame);
    for (let i = 0; i < this.waiters.length; i++) {
      if (this.waiters[i].match(frame)) {
        const [w] = this.waiters.splice(i, 1);
        w.resolve(frame);
        return;
      }
    }
  }
}
