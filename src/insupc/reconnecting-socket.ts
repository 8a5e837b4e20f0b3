import type { Socket } from 'node:net';
import type { ScheduledTask, Scheduler } from '../common/scheduler';
import type { InsupcClientConfig } from '../config/config.schema';
import type { SocketConnector } from './socket-connector';

/** How long a graceful stop waits for the peer to close before destroying the socket. */
export const STOP_GRACE_MS = 1000;

/** What the socket reports to its connection; only events of the current socket arrive. */
export interface SocketEvents {
  connected(socket: Socket): void;
  data(chunk: Buffer): void;
  drained(): void;
  /** the socket closed; `reason` is the first cause noted (abort, error) or "closed by peer". */
  closed(reason: string): void;
}

/**
 * The TCP side of one INSUPC connection: opens a socket with a connect timeout, reports its
 * events, closes it on demand with a reason, schedules the reconnect after retry-interval,
 * and ends it gracefully (with a grace period) on stop. Knows nothing of the protocol.
 */
export class ReconnectingSocket {
  private current: Socket | null = null;
  private connectTimer: ScheduledTask | null = null;
  private retryTimer: ScheduledTask | null = null;
  private closeReason = '';

  constructor(
    private readonly cfg: InsupcClientConfig,
    private readonly connector: SocketConnector,
    private readonly scheduler: Scheduler,
    private readonly events: SocketEvents,
  ) {}

  get socket(): Socket | null {
    return this.current;
  }

  get retryPending(): boolean {
    return this.retryTimer !== null;
  }

  open(): void {
    const socket = this.connector(this.cfg.host, this.cfg.port);
    this.current = socket;
    this.closeReason = '';
    socket.setNoDelay(true);
    this.connectTimer = this.scheduler.after(this.cfg.connectTimeout, () =>
      this.abort(`connect timeout after ${this.cfg.connectTimeout}ms`),
    );
    socket.once('connect', () => {
      if (socket !== this.current) return;
      this.clearConnectTimer();
      this.events.connected(socket);
    });
    socket.on('data', (chunk: Buffer) => {
      if (socket === this.current) this.events.data(chunk);
    });
    socket.on('error', (err: Error) => {
      if (!this.closeReason) this.closeReason = err.message;
    });
    socket.on('drain', () => {
      if (socket === this.current) this.events.drained();
    });
    socket.once('close', () => {
      if (socket !== this.current) return;
      this.current = null;
      this.clearConnectTimer();
      this.events.closed(this.closeReason || 'closed by peer');
    });
  }

  /** closes the current socket; `closed` follows with the first reason noted. */
  abort(reason: string): void {
    if (!this.closeReason) this.closeReason = reason;
    this.current?.destroy();
  }

  /** opens again after retry-interval (once; a pending retry is kept). */
  retryLater(open: () => void): void {
    if (this.retryTimer) return;
    this.retryTimer = this.scheduler.after(this.cfg.retryInterval, () => {
      this.retryTimer = null;
      open();
    });
  }

  /**
   * Graceful end: `lastWords` (if any) written, then the socket ended; destroyed after
   * {@link STOP_GRACE_MS} if the peer does not close. Events stop at once. Resolves on close.
   */
  end(lastWords?: Buffer): Promise<void> {
    this.retryTimer?.cancel();
    this.retryTimer = null;
    this.clearConnectTimer();
    const socket = this.current;
    this.current = null;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const grace = this.scheduler.after(STOP_GRACE_MS, () => socket.destroy());
      socket.once('close', () => {
        grace.cancel();
        resolve();
      });
      if (lastWords) socket.write(lastWords);
      socket.end();
    });
  }

  private clearConnectTimer(): void {
    this.connectTimer?.cancel();
    this.connectTimer = null;
  }
}
