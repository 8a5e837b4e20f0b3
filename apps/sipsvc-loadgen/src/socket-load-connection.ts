import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { connectWithTimeout } from '../../../libs/sipsvc-protocol/src/connect-with-timeout';
import { ExactlyOnceTracker } from './exactly-once-tracker';
import type { AnswerSink, LoadConnection } from './load-connection';

/**
 * What both load generators' connections share: the socket's life (read, error, close, one
 * failure reported once), corking, and opening with a handshake that must answer in time.
 */
export abstract class SocketLoadConnection implements LoadConnection {
  readonly tracker = new ExactlyOnceTracker();
  private isClosed = false;

  protected constructor(
    protected readonly socket: Socket,
    protected readonly sink: AnswerSink,
  ) {}

  /**
   * Connects, builds the connection and runs its handshake; the socket is destroyed when the
   * handshake fails.
   */
  protected static async openWith<C extends SocketLoadConnection>(
    target: { host: string; port: number; tls?: ConnectionOptions },
    timeoutMs: number,
    create: (socket: Socket) => C,
    handshake: (conn: C) => Promise<void>,
  ): Promise<C> {
    const socket = await connectWithTimeout(target.host, target.port, timeoutMs, {
      tls: target.tls,
    });
    const conn = create(socket);
    try {
      await handshake(conn);
    } catch (e) {
      socket.destroy();
      throw e;
    }
    return conn;
  }

  /** `decode` gets each read; a string it returns is why the connection fails. */
  protected listen(decode: (chunk: Buffer) => string | void): void {
    const socket = this.socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      // answers in one read trigger the next sends (closed loop): one write for all of them
      socket.cork();
      const failure = decode(chunk);
      socket.uncork();
      if (failure) this.fail(failure);
    });
    socket.on('error', (err) => this.fail(err.message));
    socket.on('close', () => this.fail('connection closed'));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  abstract sendExecute(): void;

  /** batches the writes of several `sendExecute()` calls into one. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  close(): void {
    this.isClosed = true;
    this.socket.destroy();
  }

  protected fail(why: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.socket.destroy();
    this.sink.closed(this, why);
  }
}
