import { Socket } from 'node:net';

/**
 * Corks a socket until the end of the current tick: messages written in one tick (a read of
 * pipelined requests, a drain of answers) leave in one writev instead of one syscall each.
 * Uncorked on process.nextTick, before any I/O or timer can run; `end()` flushes too.
 */
export class TickCork {
  private corked: Socket | null = null;

  /** call before each write; the first in a tick corks, the tick's end uncorks. */
  hold(socket: Socket): void {
    if (this.corked) return;
    this.corked = socket;
    socket.cork();
    process.nextTick(this.release);
  }

  private readonly release = (): void => {
    this.corked?.uncork();
    this.corked = null;
  };
}
