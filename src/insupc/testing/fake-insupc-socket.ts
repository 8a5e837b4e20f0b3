import { EventEmitter } from 'node:events';
import { Frame, FrameDecoder, MsgCode } from '../../../libs/insupc-protocol/src';

/** A socket double: records what the connection writes, lets the test play the server. */
export class FakeInsupcSocket extends EventEmitter {
  readonly frames: Frame[] = [];
  destroyed = false;
  ended = false;
  /** bytes the kernel has not taken (a server that stops reading makes this grow). */
  writableLength = 0;
  private readonly decoder = new FrameDecoder({ onFrame: (f) => this.frames.push(f) });

  setNoDelay(): this {
    return this;
  }
  /** writes are recorded at once; corking only batches syscalls on a real socket. */
  cork(): void {}
  uncork(): void {}
  write(buf: Buffer): boolean {
    const error = this.decoder.push(Buffer.from(buf));
    if (error) throw error;
    return true;
  }
  /** the peer closes its side too, as a real server does after DB_RELEASE_REQUEST. */
  end(): this {
    this.ended = true;
    return this.peerClosesOnEnd ? this.destroy() : this;
  }
  /** false: a peer that never closes its side (the stop grace period must end it). */
  peerClosesOnEnd = true;
  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      process.nextTick(() => this.emit('close'));
    }
    return this;
  }
  /** the server accepts the TCP connection. */
  accept(): void {
    this.emit('connect');
  }
  receive(buf: Buffer): void {
    this.emit('data', buf);
  }
  last(code: MsgCode): Frame {
    const f = [...this.frames].reverse().find((x) => x.msgCode === code);
    if (!f) throw new Error(`no frame ${code} written`);
    return f;
  }
  count(code: MsgCode): number {
    return this.frames.filter((f) => f.msgCode === code).length;
  }
}
