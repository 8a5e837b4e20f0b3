import { errorText } from '../common/error-text';
import { Logger } from '@nestjs/common';
import { ScheduledTask, Scheduler } from '../common/scheduler';
import { IkeSaInfo, IpsecControl, IpsecEventSink, IpsecSecret } from './ipsec-control';
import { segwIncident, thrownCode } from './segw-incidents';

export const RECONNECT_MS = 1000;

/** What the session tells the connections. */
export interface SessionListener {
  /** connected and the secrets loaded: load and initiate every connection. */
  online(version: { daemon: string; version: string }): void;
  /** the socket is gone (charon restarted): everything in flight is void. */
  offline(): void;
  ikeUpdown(up: boolean, connection: string, sa: IkeSaInfo): void;
}

/**
 * The gateway's VICI session with charon: connects, loads the secrets, hands events on,
 * and reconnects every second while charon is away (section 5).
 */
export class SegwViciSession implements IpsecEventSink {
  private readonly log = new Logger('SegwVici');
  private reconnect?: ScheduledTask;
  private up = false;
  private stopped = false;
  private lostLogged = false;

  constructor(
    private readonly control: IpsecControl,
    private readonly scheduler: Scheduler,
    private readonly socketPath: string,
    private readonly secrets: readonly IpsecSecret[],
    private readonly listener: SessionListener,
  ) {}

  get connected(): boolean {
    return this.up;
  }

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.reconnect?.cancel();
    this.control.close();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const v = await this.control.connect(this);
      for (const s of this.secrets) await this.control.loadShared(s);
      if (this.stopped) return this.control.close();
      this.up = true;
      this.lostLogged = false;
      this.listener.online(v);
    } catch (e) {
      this.control.close();
      if (!this.lostLogged) {
        const text = `VICI ${this.socketPath} unavailable (${errorText(e)}); retrying every ${RECONNECT_MS} ms`;
        this.log.warn(segwIncident(thrownCode(e, 'strongswan-api-failed'), text));
        this.lostLogged = true;
      }
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.reconnect?.cancel();
    this.reconnect = this.scheduler.after(RECONNECT_MS, () => void this.connect());
  }

  /** IpsecEventSink: the VICI socket is gone. */
  closed(reason?: string): void {
    if (this.stopped || !this.up) return;
    this.up = false;
    const text = `VICI connection lost${reason ? ` (${reason})` : ''}; reconnecting every ${RECONNECT_MS} ms`;
    this.log.warn(segwIncident('strongswan-api-failed', text));
    this.lostLogged = true;
    this.listener.offline();
    this.scheduleReconnect();
  }

  /** IpsecEventSink: an IKE SA of some connection went up or down. */
  ikeUpdown(up: boolean, connection: string, sa: IkeSaInfo): void {
    this.listener.ikeUpdown(up, connection, sa);
  }
}
