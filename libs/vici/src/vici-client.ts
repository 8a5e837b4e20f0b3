import { EventEmitter } from 'node:events';
import { createConnection, Socket } from 'node:net';
import {
  decodePacket,
  encodePacket,
  PacketType,
  ViciFrameDecoder,
  ViciInput,
  ViciPacket,
  ViciSection,
} from './vici-wire';

export type ViciEventHandler = (name: string, message: ViciSection) => void;

export class ViciError extends Error {
  override name = 'ViciError';
}
/** The socket closed (or was closed) while the operation was waiting. */
export class ViciClosedError extends ViciError {
  override name = 'ViciClosedError';
}

export interface ViciClientOptions {
  /**
   * Longest wait for one command's answer. Requests carry no id, so a late answer could
   * never be matched to its command again: on expiry the connection is closed.
   */
  commandTimeoutMs?: number;
  /**
   * Told when an event subscriber throws. The exception stops at the client: the other
   * subscribers, later packets and the socket carry on (a subscriber's bug must not take
   * the process or the session down). Default: ignored.
   */
  onSubscriberError?: (error: unknown, event: string) => void;
}

interface Job {
  run: () => void;
  reject: (e: Error) => void;
}

type Waiter = (packet: ViciPacket) => void;

/**
 * A VICI client on one stream socket. Like strongSwan's Python and Go clients: one reader
 * dispatches EVENT packets to subscribers and every other packet to the single waiting
 * caller. VICI requests carry no id, so commands and (un)registrations run one at a time
 * through a queue. Emits 'close' (with the error, if any) once, when the socket is gone.
 */
export class ViciClient extends EventEmitter {
  private readonly decoder = new ViciFrameDecoder();
  private readonly subscribers = new Map<string, Set<ViciEventHandler>>();
  private readonly queue: Job[] = [];
  private busy = false;
  private waiter: Waiter | null = null;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: ViciClientOptions,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.shutdown(e));
    socket.on('close', () => this.shutdown());
  }

  /** Connects to a VICI socket, e.g. `/var/run/charon.vici`. */
  static connect(path: string, options: ViciClientOptions = {}): Promise<ViciClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ path });
      const fail = (e: Error) => {
        socket.destroy();
        reject(e);
      };
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        resolve(new ViciClient(socket, options));
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
    this.shutdown();
  }

  /** Runs a command and resolves with its response message. */
  request(command: string, args: ViciInput = {}): Promise<ViciSection> {
    return this.enqueue(async () => this.command(command, args));
  }

  /**
   * Runs a streamed command (`list-sas` streams `list-sa`, `initiate` streams
   * `control-log`): registers the event, runs the command, unregisters after the answer.
   */
  streamedRequest(
    command: string,
    event: string,
    args: ViciInput,
    onEvent: (message: ViciSection) => void,
  ): Promise<ViciSection> {
    return this.enqueue(async () => {
      if (!(await this.register(event)))
        throw new ViciError(`event '${event}' unknown to the daemon`);
      const handler: ViciEventHandler = (_n, m) => onEvent(m);
      this.addHandler(event, handler);
      try {
        return await this.command(command, args);
      } finally {
        this.removeHandler(event, handler);
        if (!this.closed && !this.subscribers.has(event)) await this.unregister(event);
      }
    });
  }

  /**
   * Subscribes to an event. Resolves false when the daemon has no such event
   * (EVENT_UNKNOWN), which makes registration a clean feature probe.
   */
  subscribe(event: string, handler: ViciEventHandler): Promise<boolean> {
    return this.enqueue(async () => {
      const already = this.subscribers.has(event);
      if (!already && !(await this.register(event))) return false;
      this.addHandler(event, handler);
      return true;
    });
  }

  // ------------------------------------------------------------ internals

  private addHandler(event: string, h: ViciEventHandler): void {
    let set = this.subscribers.get(event);
    if (!set) this.subscribers.set(event, (set = new Set()));
    set.add(h);
  }

  private removeHandler(event: string, h: ViciEventHandler): void {
    const set = this.subscribers.get(event);
    if (!set) return;
    set.delete(h);
    if (set.size === 0) this.subscribers.delete(event);
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ViciClosedError('VICI connection closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        run: () => {
          fn()
            .then(resolve, reject)
            .finally(() => {
              this.busy = false;
              this.next();
            });
        },
        reject,
      });
      this.next();
    });
  }

  private next(): void {
    if (this.busy || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.busy = true;
    job.run();
  }

  /** Sends one packet and waits for the next non-event packet. */
  private exchange(packet: {
    type: PacketType;
    name?: string;
    message?: ViciInput;
  }): Promise<ViciPacket> {
    if (this.closed) return Promise.reject(new ViciClosedError('VICI connection closed'));
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        this.off('close', onClose);
        this.waiter = null;
      };
      const onClose = (e?: Error) => {
        done();
        reject(new ViciClosedError(`VICI connection closed${e ? `: ${e.message}` : ''}`));
      };
      this.waiter = (p) => {
        done();
        resolve(p);
      };
      this.once('close', onClose);
      if (this.options.commandTimeoutMs) {
        timer = setTimeout(() => {
          done();
          reject(
            new ViciError(`no answer to '${packet.name}' in ${this.options.commandTimeoutMs} ms`),
          );
          this.close();
        }, this.options.commandTimeoutMs);
      }
      this.socket.write(encodePacket(packet));
    });
  }

  private async command(command: string, args: ViciInput): Promise<ViciSection> {
    const p = await this.exchange({ type: PacketType.CMD_REQUEST, name: command, message: args });
    if (p.type === PacketType.CMD_RESPONSE) return p.message ?? {};
    if (p.type === PacketType.CMD_UNKNOWN)
      throw new ViciError(`command '${command}' unknown to the daemon`);
    throw this.unexpected(p, command);
  }

  private async register(event: string): Promise<boolean> {
    const p = await this.exchange({ type: PacketType.EVENT_REGISTER, name: event });
    if (p.type === PacketType.EVENT_CONFIRM) return true;
    if (p.type === PacketType.EVENT_UNKNOWN) return false;
    throw this.unexpected(p, `register ${event}`);
  }

  private async unregister(event: string): Promise<void> {
    const p = await this.exchange({ type: PacketType.EVENT_UNREGISTER, name: event });
    if (p.type !== PacketType.EVENT_CONFIRM && p.type !== PacketType.EVENT_UNKNOWN) {
      throw this.unexpected(p, `unregister ${event}`);
    }
  }

  private unexpected(p: ViciPacket, what: string): Error {
    const e = new ViciError(`unexpected packet type ${p.type} in answer to ${what}`);
    this.close();
    return e;
  }

  private onData(chunk: Buffer): void {
    let packets: ViciPacket[];
    try {
      packets = this.decoder.push(chunk).map(decodePacket);
    } catch (e) {
      this.socket.destroy();
      this.shutdown(e as Error);
      return;
    }
    for (const p of packets) {
      if (p.type === PacketType.EVENT) {
        const set = this.subscribers.get(p.name ?? '');
        if (set) for (const h of [...set]) this.deliver(h, p.name ?? '', p.message ?? {});
      } else if (this.waiter) {
        this.waiter(p);
      } else {
        this.socket.destroy();
        this.shutdown(new ViciError(`unsolicited packet type ${p.type}`));
        return;
      }
    }
  }

  private deliver(h: ViciEventHandler, event: string, message: ViciSection): void {
    try {
      h(event, message);
    } catch (e) {
      try {
        this.options.onSubscriberError?.(e, event);
      } catch {
        // the reporter itself failed: nothing more to do for it here
      }
    }
  }

  private shutdown(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    const err = new ViciClosedError(`VICI connection closed${error ? `: ${error.message}` : ''}`);
    for (const job of this.queue.splice(0)) job.reject(err);
    this.subscribers.clear();
    this.emit('close', error);
  }
}
