import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import {
  FrameEncoder,
  frameEncoderFor,
  SipsvcFraming,
} from '../../libs/sipsvc-protocol/src/frame-encoder';
import { TickCork } from '../common/io/tick-cork';
import { SipsvcConnectionState } from '../contracts/state-sources';
import { SipsvcConnectionContext } from '../contracts/sipsvc-message';

/**
 * Output held for one client that stopped reading before it is dropped: 64 messages of
 * max-message-bytes, at least 4 MiB (one input chunk of small pipelined requests is answered
 * synchronously before reading pauses, and must fit).
 */
const pendingOutputLimit = (maxMessageBytes: number): number =>
  Math.max(4 * 1024 * 1024, 64 * maxMessageBytes);

export const normaliseIp = (ip: string): string =>
  ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;

/**
 * One SIPSVC client connection: its identity, auth state, activity times, and an output path
 * that honours back-pressure. Handlers see it as a {@link SipsvcConnectionContext}.
 */
export class SipsvcConnection implements SipsvcConnectionContext {
  authenticated = false;
  closed = false;
  /** `end()` was called: answered and closing; no more input is processed. */
  closing = false;
  closingSince = 0;
  /** the client half-closed (FIN): no more input; closed once `awaitingReplies` is 0. */
  inputEnded = false;
  /** messages handed to a handler (or queued for one) whose reply is not written yet. */
  awaitingReplies = 0;
  readonly connectedAt: number;
  lastActivityAt: number;
  /** scheduler-clock ms (like the other times here); 0 = never */
  lastHeartbeatAt = 0;
  totalRequests = 0;
  /** Base64(`ip:port`) of this connection, issued on successful auth. */
  readonly token: string;
  /** `[SIPSVC|ip:port]`, the seed's log prefix for this connection. */
  readonly tag: string;
  /** subject CN of a client certificate verified against `tcp.server.tls.ca-file`; else null. */
  readonly peerCn: string | null;
  private readingPaused = false;
  private readonly closeListeners: (() => void)[] = [];
  private readonly cork = new TickCork();

  constructor(
    readonly connectionId: number,
    readonly socket: Socket,
    readonly clientIp: string,
    readonly clientPort: number,
    private readonly encode: FrameEncoder,
    /** output bytes held for a client that does not read, beyond which it is dropped. */
    private readonly maxPendingOutput: number,
    private readonly onOutputOverflow: (conn: SipsvcConnection) => void,
    now: number,
  ) {
    this.connectedAt = now;
    this.lastActivityAt = now;
    this.token = Buffer.from(`${clientIp}:${clientPort}`).toString('base64');
    this.tag = `[SIPSVC|${clientIp}:${clientPort}]`;
    this.peerCn = socket instanceof TLSSocket ? verifiedCn(socket) : null;
  }

  /** The connection of a newly accepted socket. */
  static accepted(
    id: number,
    socket: Socket,
    framing: SipsvcFraming,
    maxMessageBytes: number,
    onOutputOverflow: (conn: SipsvcConnection) => void,
    now: number,
  ): SipsvcConnection {
    return new SipsvcConnection(
      id,
      socket,
      normaliseIp(socket.remoteAddress ?? ''),
      socket.remotePort ?? 0,
      frameEncoderFor(framing),
      pendingOutputLimit(maxMessageBytes),
      onOutputOverflow,
      now,
    );
  }

  /**
   * Frames and writes one serialised message. When the socket's buffer is full, reading from
   * this client stops until it drains: a client that does not read its answers cannot make the
   * gateway buffer without bound. Past `maxPendingOutput` the client is dropped.
   *
   * Answers written in the same tick leave in one writev ({@link TickCork}). The answer to the
   * only message outstanding (the client waits for it; nothing else is due) is written at
   * once: a cork would cost a tick turn and a buffered entry to send the same one chunk.
   */
  writeJson(json: string): void {
    if (this.closed) return;
    if (this.awaitingReplies !== 1) this.cork.hold(this.socket);
    const ok = this.socket.write(this.encode(json));
    if (ok) return;
    if (this.socket.writableLength > this.maxPendingOutput) {
      this.onOutputOverflow(this);
      return;
    }
    if (!this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
      this.socket.once('drain', this.resumeReading);
    }
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** The socket closed: marks the connection closed and tells every subscriber once. */
  markClosed(onListenerError: (e: unknown) => void): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners.splice(0)) {
      try {
        listener();
      } catch (e) {
        onListenerError(e);
      }
    }
  }

  /** answers the last message, then closes (input after this point is ignored). */
  endAfterWrite(now: number): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    this.closingSince = now;
    this.socket.end();
  }

  get readingIsPaused(): boolean {
    return this.readingPaused;
  }

  /** `wallOf` turns this connection's (scheduler clock) times into wall-clock ms. */
  describe(wallOf: (t: number) => number): SipsvcConnectionState {
    return {
      connectionId: `conn_${this.clientIp}_${this.clientPort}`,
      clientIp: this.clientIp,
      clientPort: this.clientPort,
      authenticated: this.authenticated,
      connectionTime: Math.round(wallOf(this.connectedAt)),
      lastActivityTime: Math.round(wallOf(this.lastActivityAt)),
      totalRequests: this.totalRequests,
      lastHeartbeatTime: this.lastHeartbeatAt ? Math.round(wallOf(this.lastHeartbeatAt)) : 0,
    };
  }

  private readonly resumeReading = (): void => {
    this.readingPaused = false;
    if (!this.closed) this.socket.resume();
  };
}

function verifiedCn(socket: TLSSocket): string | null {
  if (!socket.authorized) return null;
  const cn: unknown = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' ? cn : null;
}
