import type { InsupcClientConfig } from '../config/config.schema';
import type { ScheduledTask, Scheduler } from '../common/scheduler';

/** What the keepalive does to its connection. */
export interface KeepaliveActions {
  /** writes a DB_NETTEST_REQUEST; false when the connection is not READY (nothing sent). */
  sendHeartbeat(): boolean;
  /** a heartbeat went unanswered (`misses` so far); logged by the connection. */
  heartbeatMissed(misses: number): void;
  /** the connection must close: no frame for read-timeout, or too many heartbeats missed. */
  expired(reason: 'read timeout' | 'heartbeats unanswered', idleMs: number): void;
}

/**
 * Liveness of one INSUPC connection (binary protocol section 6.4): the read-timeout watchdog
 * (armed from TCP connect) and, once logged on, a heartbeat every heartbeat-interval whose
 * answer must come within heartbeat-timeout. Three timers per connection at most, none per
 * frame: the watchdog re-arms for the remaining time when frames arrived meanwhile.
 */
export class ConnectionKeepalive {
  private lastReadAt = 0;
  private misses = 0;
  private readTimer: ScheduledTask | null = null;
  private heartbeatTimer: ScheduledTask | null = null;
  private answerTimer: ScheduledTask | null = null;

  constructor(
    private readonly cfg: InsupcClientConfig,
    private readonly scheduler: Scheduler,
    private readonly actions: KeepaliveActions,
  ) {}

  /** TCP connected: the read-timeout watchdog starts. */
  startWatchdog(): void {
    this.lastReadAt = this.scheduler.now();
    this.armReadTimer(this.cfg.readTimeout);
  }

  /** bytes arrived: the connection is alive (no timer work here). */
  noteRead(): void {
    this.lastReadAt = this.scheduler.now();
  }

  /** logged on: heartbeats start. */
  startHeartbeats(): void {
    this.misses = 0;
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = this.scheduler.repeat(this.cfg.heartbeatInterval, this.beat);
  }

  heartbeatAnswered(): void {
    this.misses = 0;
    this.answerTimer?.cancel();
    this.answerTimer = null;
  }

  stop(): void {
    this.readTimer?.cancel();
    this.heartbeatTimer?.cancel();
    this.answerTimer?.cancel();
    this.readTimer = this.heartbeatTimer = this.answerTimer = null;
  }

  private readonly beat = (): void => {
    if (!this.actions.sendHeartbeat() || this.answerTimer) return;
    this.answerTimer = this.scheduler.after(this.cfg.heartbeatTimeout, this.missed);
  };

  private readonly missed = (): void => {
    this.answerTimer = null;
    this.misses++;
    this.actions.heartbeatMissed(this.misses);
    if (this.misses >= this.cfg.heartbeatMaxMisses) {
      this.actions.expired('heartbeats unanswered', this.scheduler.now() - this.lastReadAt);
    }
  };

  private armReadTimer(delay: number): void {
    this.readTimer = this.scheduler.after(delay, () => {
      this.readTimer = null;
      const idle = this.scheduler.now() - this.lastReadAt;
      const timeout = this.cfg.readTimeout;
      if (idle < timeout) return this.armReadTimer(timeout - idle);
      this.actions.expired('read timeout', idle);
    });
  }
}
