import { Socket } from 'node:net';
import { ConnectionOptions, TLSSocket } from 'node:tls';
import { connectWithTimeout } from './connect-with-timeout';
import { createFrameDecoder } from './create-frame-decoder';
import { FrameDecoder } from './frame-decoder';
import { FrameEncoder, frameEncoderFor, SipsvcFraming } from './frame-encoder';

export type SipsvcMessage = Record<string, unknown>;

export interface SipsvcClientOptions {
  host: string;
  port: number;
  framing?: SipsvcFraming;
  /** largest message accepted from the gateway (default 16 MiB). */
  maxMessageBytes?: number;
  /** default time a `request()` waits for its answer (default 10 s). */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** speak TLS (`ca`, `cert`, `key`, `servername`, ...); plain TCP when absent. */
  tls?: ConnectionOptions;
  /** the source address to connect from (e.g. 127.0.0.2 on loopback). */
  localAddress?: string;
}

interface Waiter {
  resolve(msg: SipsvcMessage): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * A small asynchronous SIPSVC client: frames requests, decodes responses, correlates them by
 * `reqNo` (responses may come back in any order), and hands out the rest in arrival order with
 * `next()`. Used by the CLI, the e2e tests and load tools.
 */
export class SipsvcClient {
  private readonly decoder: FrameDecoder;
  private readonly encode: FrameEncoder;
  private readonly byReqNo = new Map<string, Waiter>();
  private readonly inbox: SipsvcMessage[] = [];
  private readonly nextWaiters: Waiter[] = [];
  private reqCounter = 0;
  private isClosed = false;
  private closeError: Error | undefined;
  /** resolves when the connection is closed (by either side). */
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly options: SipsvcClientOptions,
  ) {
    const framing = options.framing ?? 'json-stream';
    this.encode = frameEncoderFor(framing);
    this.decoder = createFrameDecoder(framing, options.maxMessageBytes ?? 16 * 1024 * 1024, {
      frame: (bytes) => this.onMessage(bytes),
      violation: (reason) => {
        this.closeError = new Error(`undecodable data from server: ${reason}`);
        socket.destroy();
      },
    });
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    socket.on('error', (err) => (this.closeError ??= err));
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.failAll(this.closeError ?? new Error('connection closed'));
        resolve();
      }),
    );
  }

  static async connect(options: SipsvcClientOptions): Promise<SipsvcClient> {
    const socket = await connectWithTimeout(
      options.host,
      options.port,
      options.connectTimeoutMs ?? 5000,
      { tls: options.tls, localAddress: options.localAddress },
    );
    socket.setNoDelay(true);
    return new SipsvcClient(socket, options);
  }

  get closedNow(): boolean {
    return this.isClosed;
  }

  /** local port of this connection (the gateway's token is Base64 of `ip:thisPort`). */
  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  get localAddress(): string {
    return this.socket.localAddress ?? '';
  }

  /** sends one message, framed; does not wait for anything. */
  send(msg: SipsvcMessage): void {
    this.socket.write(this.encode(JSON.stringify(msg)));
  }

  /** writes bytes exactly as given (for malformed-input tests and tools). */
  sendRaw(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** a new `reqNo`, unique on this client. */
  newReqNo(): string {
    return `REQ_${Date.now()}.${++this.reqCounter}`;
  }

  /**
   * Sends `msg` (a `reqNo` is added when missing) and resolves with the response carrying the
   * same `reqNo`; rejects on timeout or when the connection closes first.
   */
  request(
    msg: SipsvcMessage,
    timeoutMs = this.options.requestTimeoutMs ?? 10000,
  ): Promise<SipsvcMessage> {
    const reqNo = typeof msg.reqNo === 'string' ? msg.reqNo : this.newReqNo();
    if (this.byReqNo.has(reqNo)) return Promise.reject(new Error(`reqNo ${reqNo} already pending`));
    const promise = this.wait(
      timeoutMs,
      `response to ${reqNo}`,
      (w) => this.byReqNo.set(reqNo, w),
      () => this.byReqNo.delete(reqNo),
    );
    this.send(msg.reqNo === reqNo ? msg : { ...msg, reqNo });
    return promise;
  }

  /** the next response not claimed by a pending `request()`, in arrival order. */
  next(timeoutMs = this.options.requestTimeoutMs ?? 10000): Promise<SipsvcMessage> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return this.wait(
      timeoutMs,
      'next response',
      (w) => this.nextWaiters.push(w),
      (w) => {
        const i = this.nextWaiters.indexOf(w);
        if (i >= 0) this.nextWaiters.splice(i, 1);
      },
    );
  }

  /** half-closes and waits for the close. */
  async close(): Promise<void> {
    if (!this.isClosed) this.socket.end();
    await this.closed;
  }

  /**
   * closes at once with a TCP RST, as a crashed or vanished client looks to the gateway (a FIN
   * would be a half-close, after which the gateway still answers what is pending).
   */
  destroy(): void {
    if (this.socket.destroyed) return;
    // a TLS socket has no TCP handle of its own to reset
    if (this.socket instanceof TLSSocket) this.socket.destroy();
    else this.socket.resetAndDestroy();
  }

  /** stops reading from the socket (to exercise the gateway's back-pressure). */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  private wait(
    timeoutMs: number,
    what: string,
    register: (w: Waiter) => void,
    unregister: (w: Waiter) => void,
  ): Promise<SipsvcMessage> {
    if (this.isClosed) return Promise.reject(this.closeError ?? new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve: (m) => {
          clearTimeout(w.timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(w.timer);
          reject(e);
        },
      };
      w.timer = setTimeout(() => {
        unregister(w);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      register(w);
    });
  }

  private onMessage(bytes: Buffer): void {
    let msg: SipsvcMessage;
    try {
      msg = JSON.parse(bytes.toString('utf8')) as SipsvcMessage;
    } catch {
      this.closeError = new Error('server sent malformed JSON');
      this.socket.destroy();
      return;
    }
    const reqNo = msg.reqNo;
    if (typeof reqNo === 'string') {
      const w = this.byReqNo.get(reqNo);
      if (w) {
        this.byReqNo.delete(reqNo);
        w.resolve(msg);
        return;
      }
    }
    const w = this.nextWaiters.shift();
    if (w) w.resolve(msg);
    else this.inbox.push(msg);
  }

  private failAll(err: Error): void {
    for (const w of this.byReqNo.values()) w.reject(err);
    this.byReqNo.clear();
    for (const w of this.nextWaiters.splice(0)) w.reject(err);
  }
}
