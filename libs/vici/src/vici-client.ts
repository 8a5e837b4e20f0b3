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
import { SerialRequestQueue } from './vici-request-queue';
import { ViciEventHandler, ViciSubscribers } from './vici-subscribers';

export type { ViciEventHandler } from './vici-subscribers';

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

/** The one request waiting for its answer. */
interface Waiter {
  answer: (packet: ViciPacket) => void;
  fail: (e: Error) => void;
}

/**
 * A VICI client on one stream socket. Like strongSwan's Python and Go clients: one reader
 * dispatches EVENT packets to subscribers and every other packet to the single waiting
 * caller. VICI requests carry no id, so commands and (un)registrations run one at a time
 * through a queue. Emits 'close' (with the error, if any) once, when the socket is gone.
 */
export class ViciClient extends EventEmitter {
  private readonly decoder = new ViciFrameDecoder();
  private readonly subscribers: ViciSubscribers;
  private readonly queue = new SerialRequestQueue();
  private waiter: Waiter | null = null;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: ViciClientOptions,
  ) {
    super();
    this.subscribers = new ViciSubscribers(options.onSubscriberError);
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
      this.subscribers.add(event, handler);
      try {
        return await this.command(command, args);
      } finally {
        this.subscribers.remove(event, handler);
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
      this.subscribers.add(event, handler);
      return true;
    });
  }

  // ------------------------------------------------------------ internals

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ViciClosedError('VICI connection closed'));
    return this.queue.run(fn);
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
      // Exactly one of answer, shutdown (ViciClosedError) or timeout (ViciError) settles it.
      const settle = (outcome: () => void) => {
        if (timer) clearTimeout(timer);
        this.waiter = null;
        outcome();
      };
      this.waiter = {
        answer: (p) => settle(() => resolve(p)),
        fail: (e) => settle(() => reject(e)),
      };
      if (this.options.commandTimeoutMs) {
        timer = setTimeout(() => {
          settle(() =>
            reject(
              new ViciError(`no answer to '${packet.name}' in ${this.options.commandTimeoutMs} ms`),
            ),
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
        this.subscribers.dispatch(p.name ?? '', p.message ?? {});
      } else if (this.waiter) {
        this.waiter.answer(p);
      } else {
        this.socket.destroy();
        this.shutdown(new ViciError(`unsolicited packet type ${p.type}`));
        return;
      }
    }
  }

  private shutdown(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    const err = new ViciClosedError(`VICI connection closed${error ? `: ${error.message}` : ''}`);
    // Settled here, not through a 'close' listener: a throwing listener cannot strand it.
    this.waiter?.fail(err);
    this.queue.stop(err);
    this.subscribers.clear();
    this.emit('close', error);
  }
}
