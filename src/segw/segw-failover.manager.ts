import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SegwStateSource } from '../contracts/state-sources';
import { AppConfig } from '../config/config.schema';
import { SegwCounters } from './segw.counters';
import {
  ConnectionFailover,
  nextIndex,
  parseAddresses,
  RingBuffer,
  SegwState,
} from './failover-policy';
import { IkeSaInfo, IPSEC_CONTROL, IpsecControl, IpsecEventSink } from './ipsec-control';
import { segwConnectionUp, segwFailoversTotal, segwInitiateFailuresTotal } from './segw-metrics';

export const HISTORY_CAPACITY = 1000;
const RECONNECT_MS = 1000;
/** charon connection name of a connection's failback probe: `<name>-failback-probe`. */
export const PROBE_SUFFIX = '-failback-probe';

export interface FailoverHistoryEntry {
  timestamp: string;
  connection: string;
  from: string;
  to: string;
  reason: string;
  /** `pending` until the attempt ends: `success`, `failed: <why>` or `superseded`. */
  result: string;
}

export interface SegwConnectionView {
  name: string;
  addresses: string[];
  current: string;
  state: SegwState;
  retries: number;
  lastChange: string;
}

export class UnknownSegwConnectionError extends Error {}

interface Managed {
  policy: ConnectionFailover;
  conn: Record<string, unknown>;
  child: string;
  /** bumped whenever a newer plan replaces the running one; stale async steps check it. */
  generation: number;
  timer?: NodeJS.Timeout;
  saId?: string;
  entry?: FailoverHistoryEntry;
}

/**
 * Drives charon so that each managed connection has an IKE SA to one of its SEGWs
 * (operations spec section 5). charon holds one remote address per connection; this
 * manager chooses which, and charon is configured not to retry or move on its own.
 */
@Injectable()
export class SegwFailoverManager
  implements SegwStateSource, OnApplicationBootstrap, OnApplicationShutdown, IpsecEventSink
{
  private readonly log = new Logger('SegwFailover');
  private readonly managed = new Map<string, Managed>();
  private readonly history = new RingBuffer<FailoverHistoryEntry>(HISTORY_CAPACITY);
  private reconnectTimer?: NodeJS.Timeout;
  private connected = false;
  private stopped = false;
  private lostLogged = false;

  constructor(
    private readonly config: AppConfig,
    @Inject(IPSEC_CONTROL) private readonly control: IpsecControl,
    private readonly counters: SegwCounters,
  ) {}

  get enabled(): boolean {
    return this.config.segw.enabled;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const now = Date.now();
    for (const [name, raw] of Object.entries(this.config.segw.connections)) {
      const addresses = parseAddresses(raw.remote_addrs);
      const children = raw.children as Record<string, unknown> | undefined;
      const child = children ? Object.keys(children)[0] : undefined;
      if (addresses.length === 0 || !child) {
        this.log.error(`SEGW connection '${name}' skipped: it needs remote_addrs and one child`);
        continue;
      }
      this.managed.set(name, {
        policy: new ConnectionFailover(name, addresses, now),
        conn: raw,
        child,
        generation: 0,
      });
      segwConnectionUp().set({ connection: name }, 0);
    }
    this.log.log(
      `SEGW failover managing ${this.managed.size} connection(s) via ${this.config.segw.viciSocket}`,
    );
    void this.connect();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    for (const m of this.managed.values()) {
      clearTimeout(m.timer);
      m.generation++;
    }
    this.control.close();
  }

  // ---------------------------------------------------------------- views

  describe(): SegwConnectionView[] {
    return [...this.managed.values()].map(({ policy: p }) => ({
      name: p.name,
      addresses: [...p.addresses],
      current: p.current,
      state: p.state,
      retries: p.retries,
      lastChange: new Date(p.lastChange).toISOString(),
    }));
  }

  connectionStates(): { name: string; state: string }[] {
    return [...this.managed.values()].map(({ policy: p }) => ({ name: p.name, state: p.state }));
  }

  recentHistory(limit?: number): FailoverHistoryEntry[] {
    return this.history.latest(limit);
  }

  isConnected(): boolean {
    return this.connected;
  }

  readiness(): { ready: boolean; detail: Record<string, unknown> } {
    if (!this.enabled) return { ready: true, detail: { enabled: false } };
    const states = Object.fromEntries(this.describe().map((c) => [c.name, c.state]));
    const ready = this.connected && Object.values(states).every((s) => s === 'UP');
    return {
      ready,
      detail: { vici: this.connected ? 'connected' : 'disconnected', connections: states },
    };
  }

  // ---------------------------------------------------------------- admin actions

  /** switch to the next address now. */
  failoverNow(name: string): SegwConnectionView {
    const m = this.get(name);
    const from = m.policy.current;
    m.policy.restart(nextIndex(m.policy.index, m.policy.addresses.length), Date.now());
    this.switchTo(m, from, 'manual', 0);
    return this.view(name);
  }

  /** return to the first address now. */
  primaryNow(name: string): SegwConnectionView {
    const m = this.get(name);
    const from = m.policy.current;
    m.policy.restart(0, Date.now());
    this.switchTo(m, from, 'manual-primary', 0);
    return this.view(name);
  }

  private get(name: string): Managed {
    const m = this.managed.get(name);
    if (!m) throw new UnknownSegwConnectionError(`no managed SEGW connection '${name}'`);
    return m;
  }

  private view(name: string): SegwConnectionView {
    return this.describe().find((c) => c.name === name)!;
  }

  // ---------------------------------------------------------------- VICI session

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const v = await this.control.connect(this);
      for (const s of this.config.segw.secrets) await this.control.loadShared(s);
      this.connected = true;
      this.lostLogged = false;
      this.log.log(
        `Connected to ${v.daemon} ${v.version} over VICI; loading ${this.managed.size} connection(s)`,
      );
      for (const m of this.managed.values()) {
        m.policy.restart(m.policy.index, Date.now());
        void this.attempt(m);
      }
    } catch (e) {
      this.control.close();
      if (!this.lostLogged) {
        this.log.warn(
          `VICI ${this.config.segw.viciSocket} unavailable (${(e as Error).message}); retrying every ${RECONNECT_MS} ms`,
        );
        this.lostLogged = true;
      }
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_MS);
  }

  /** IpsecEventSink: the VICI socket is gone (charon restarted). */
  closed(reason?: string): void {
    if (this.stopped || !this.connected) return;
    this.connected = false;
    this.log.warn(
      `VICI connection lost${reason ? ` (${reason})` : ''}; reconnecting every ${RECONNECT_MS} ms`,
    );
    this.lostLogged = true;
    const now = Date.now();
    for (const m of this.managed.values()) {
      clearTimeout(m.timer);
      m.generation++;
      m.saId = undefined;
      this.settle(m, 'superseded');
      m.policy.restart(m.policy.index, now);
      segwConnectionUp().set({ connection: m.policy.name }, 0);
    }
    this.scheduleReconnect();
  }

  /** IpsecEventSink: an IKE SA of some connection went up or down. */
  ikeUpdown(up: boolean, connection: string, sa: IkeSaInfo): void {
    const m = this.managed.get(connection);
    if (!m) return;
    // An SA to an address we already left (terminated on a switch) is history.
    if (sa.remoteHost && sa.remoteHost !== m.policy.current) return;
    if (up) {
      m.saId = sa.uniqueId;
      this.established(m);
      return;
    }
    if (m.policy.state !== 'UP' || (m.saId && sa.uniqueId && sa.uniqueId !== m.saId)) return;
    m.saId = undefined;
    this.log.warn(`IKE SA of '${connection}' to ${m.policy.current} went down`);
    this.failure(m, 'ike-down');
  }

  // ---------------------------------------------------------------- attempts

  private established(m: Managed): void {
    if (m.policy.state === 'UP') return;
    m.policy.established(Date.now());
    segwConnectionUp().set({ connection: m.policy.name }, 1);
    this.settle(m, 'success');
    this.log.log(`SEGW connection '${m.policy.name}' up via ${m.policy.current}`);
    if (m.policy.wantsFailback(this.config.segw.policy)) this.scheduleFailbackProbe(m);
  }

  /**
   * `failback: primary`: every `backoff-max` while UP on another SEGW, check that the
   * primary accepts an IKE SA (a probe connection of its own, IKE only) and only then move
   * back. Moving back blind would cost an outage each time the primary is still dead.
   */
  private scheduleFailbackProbe(m: Managed): void {
    clearTimeout(m.timer);
    const g = m.generation;
    m.timer = setTimeout(() => void this.probePrimary(m, g), this.config.segw.policy.backoffMax);
  }

  private async probePrimary(m: Managed, g: number): Promise<void> {
    const p = this.config.segw.policy;
    if (g !== m.generation || !m.policy.wantsFailback(p)) return;
    const primary = m.policy.addresses[0];
    const reachable = await this.control.probe(
      `${m.policy.name}${PROBE_SUFFIX}`,
      this.probeConn(m, primary),
      p.initiateTimeout,
    );
    if (g !== m.generation || !m.policy.wantsFailback(p)) return;
    if (!reachable) {
      this.log.debug(`failback probe of '${m.policy.name}' to ${primary}: not reachable yet`);
      this.scheduleFailbackProbe(m);
      return;
    }
    const from = m.policy.current;
    m.policy.restart(0, Date.now());
    this.switchTo(m, from, 'failback', 0);
  }

  private failure(m: Managed, reason: string): void {
    segwConnectionUp().set({ connection: m.policy.name }, 0);
    this.settle(m, `failed: ${reason}`);
    const p = this.config.segw.policy;
    const decision = m.policy.failed(Date.now(), p);
    if (decision.kind === 'failed') {
      this.log.error(
        `SEGW connection '${m.policy.name}' FAILED after ${p.maxRetries} consecutive failures; next try in ${decision.retryAfterMs} ms`,
      );
      clearTimeout(m.timer);
      const g = ++m.generation;
      m.timer = setTimeout(() => {
        if (g !== m.generation) return;
        const from = m.policy.current;
        m.policy.restart(nextIndex(m.policy.index, m.policy.addresses.length), Date.now());
        this.switchTo(m, from, 'retry-after-failed', 0);
      }, decision.retryAfterMs);
      return;
    }
    this.switchTo(m, m.policy.addresses[decision.fromIndex], reason, decision.delayMs);
  }

  /** Records the switch and (after `delayMs`) re-loads the connection on its current address. */
  private switchTo(m: Managed, from: string, reason: string, delayMs: number): void {
    const to = m.policy.current;
    this.settle(m, 'superseded');
    if (from !== to) {
      this.counters.failovers++;
      segwFailoversTotal().inc({ connection: m.policy.name });
    }
    this.log.warn(`Initiating failover: ${from} -> ${to}`);
    const entry: FailoverHistoryEntry = {
      timestamp: new Date().toISOString(),
      connection: m.policy.name,
      from,
      to,
      reason,
      result: 'pending',
    };
    this.history.push(entry);
    m.entry = entry;
    clearTimeout(m.timer);
    const g = ++m.generation;
    const go = () => {
      if (g === m.generation) void this.attempt(m);
    };
    if (delayMs > 0) m.timer = setTimeout(go, delayMs);
    else go();
  }

  /** Load the connection with its one current address and initiate it. */
  private async attempt(m: Managed): Promise<void> {
    if (!this.connected) return;
    const g = ++m.generation;
    const name = m.policy.name;
    m.policy.connecting(Date.now());
    m.saId = undefined;
    const timeout = this.config.segw.policy.initiateTimeout;
    try {
      // Re-loading under the same name replaces the config but not SAs already built from
      // it: terminate them so no SA or half-open attempt to the old SEGW survives (and none
      // left over from before a gateway restart is doubled).
      await this.control.terminateIke(name);
      await this.control.loadConn(name, this.charonConn(m));
      if (g !== m.generation) return;
      const r = await this.control.initiate(name, m.child, timeout);
      if (g !== m.generation) return;
      if (r.ok) {
        this.established(m);
        return;
      }
      await this.initiateFailed(m, g, r.error ?? 'initiate failed');
    } catch (e) {
      if (g !== m.generation || !this.connected) return;
      await this.initiateFailed(m, g, (e as Error).message);
    }
  }

  private async initiateFailed(m: Managed, g: number, why: string): Promise<void> {
    this.counters.initiateFailures++;
    segwInitiateFailuresTotal().inc({ connection: m.policy.name });
    this.log.warn(`initiate of '${m.policy.name}' to ${m.policy.current} failed: ${why}`);
    // A timed-out initiate leaves charon still trying: end the half-open IKE SA.
    await this.control.terminateIke(m.policy.name).catch(() => undefined);
    if (g === m.generation && m.policy.state !== 'UP') this.failure(m, `initiate: ${why}`);
  }

  /** Closes the pending history entry of `m`, if any, with its result. */
  private settle(m: Managed, result: string): void {
    if (m.entry?.result === 'pending') m.entry.result = result;
    m.entry = undefined;
  }

  /**
   * The operator's swanctl-style map with one remote address, plus what charon must not do
   * behind the manager's back: retry the same SEGW (keyingtries), restart an SA to the same
   * SEGW on DPD timeout or close (dpd_action/close_action restart), or move the SA to
   * another address itself (MOBIKE). Without DPD a dead SEGW would never be noticed.
   */
  private charonConn(m: Managed): Record<string, unknown> {
    const children: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(
      (m.conn.children ?? {}) as Record<string, Record<string, unknown>>,
    )) {
      children[name] = {
        ...child,
        start_action: 'none',
        dpd_action: 'clear',
        close_action: 'none',
      };
    }
    return {
      dpd_delay: '10s',
      ...m.conn,
      remote_addrs: [m.policy.current],
      keyingtries: 1,
      mobike: 'no',
      children,
    };
  }

  /**
   * The failback probe: the operator's IKE settings towards `address`, no children (no
   * traffic selectors, so nothing is installed next to the live tunnel), no DPD (it lives
   * for one round trip). The SEGWs must accept a second IKE SA with our identity, which
   * is charon's default (`unique = no`).
   */
  private probeConn(m: Managed, address: string): Record<string, unknown> {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { children, ...ike } = m.conn;
    return {
      ...ike,
      remote_addrs: [address],
      keyingtries: 1,
      mobike: 'no',
      dpd_delay: '0s',
    };
  }
}
