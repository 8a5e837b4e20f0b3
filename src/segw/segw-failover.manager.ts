import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { ScheduledTask, SCHEDULER, Scheduler } from '../common/scheduler';
import { INSUPC_STATE, InsupcStateSource, SegwStateSource } from '../contracts/state-sources';
import { ConfigType } from '@nestjs/config';
import { segwConfig, insupcConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { SegwConnectionView } from './failover-policy';
import { SegwCounters } from './segw.counters';
import { InsupcLossWatch } from './insupc-loss-watch';
import { IkeSaInfo, IPSEC_CONTROL, IpsecControl } from './ipsec-control';
import { SegwConnectionController } from './segw-connection.controller';
import { FailoverHistoryEntry, HistoryStore, SegwHistory } from './segw-history';
import { segwIncident } from './segw-incidents';
import { SegwViciSession, SessionListener } from './segw-vici-session';
import { toViciConnection } from '../../libs/vici/src';

export const SEGW_HISTORY_STORE = Symbol('SEGW_HISTORY_STORE');

/** how often entries past `segw.history-max-age` are dropped (besides at start). */
export const HISTORY_PURGE_MS = 3_600_000;

export class UnknownSegwConnectionError extends Error {}

/**
 * The SEGW failover feature (operations spec section 5): one controller per managed
 * connection, one VICI session shared by them, the history, and section 5.3's trigger from
 * the INSUPC side. Start-up validation (config.loader) has already refused unusable
 * connections, so every configured connection is managed.
 */
@Injectable()
export class SegwFailoverManager
  implements SegwStateSource, SessionListener, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly log = new Logger('SegwFailover');
  private readonly controllers = new Map<string, SegwConnectionController>();
  readonly history: SegwHistory;
  private readonly session: SegwViciSession;
  private unsubscribe?: () => void;
  private purge?: ScheduledTask;

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'segw' | 'insupc'>;

  constructor(
    @Inject(segwConfig.KEY) segwSection: ConfigType<typeof segwConfig>,
    @Inject(insupcConfig.KEY) insupcSection: ConfigType<typeof insupcConfig>,
    @Inject(IPSEC_CONTROL) control: IpsecControl,
    counters: SegwCounters,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(SEGW_HISTORY_STORE) store: HistoryStore,
    @Optional()
    @Inject(INSUPC_STATE)
    private readonly insupc?: Pick<InsupcStateSource, 'onServerAvailability'>,
  ) {
    this.config = { segw: segwSection, insupc: insupcSection };
    const segw = segwSection;
    this.history = new SegwHistory(segw.historyFile, store, { maxAgeMs: segw.historyMaxAge });
    this.session = new SegwViciSession(control, scheduler, segw.viciSocket, segw.secrets, this);
    if (!segw.enabled) return;
    const deps = {
      control,
      scheduler,
      history: this.history,
      policy: segw.policy,
      counters,
      online: () => this.session.connected,
    };
    for (const [name, conn] of Object.entries(segw.connections)) {
      this.controllers.set(name, new SegwConnectionController(name, toViciConnection(conn), deps));
    }
  }

  get enabled(): boolean {
    return this.config.segw.enabled;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.history.load();
    this.history.purge();
    this.purge = this.scheduler.every('segw-history-purge', HISTORY_PURGE_MS, () =>
      this.history.purge(),
    );
    this.watchInsupc();
    this.log.log(
      `SEGW failover managing ${this.controllers.size} connection(s) via ${this.config.segw.viciSocket}`,
    );
    this.session.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.purge?.cancel();
    for (const c of this.controllers.values()) c.stop();
    this.session.stop();
    await this.history.flushed();
  }

  // ---------------------------------------------------------------- views

  describe(): SegwConnectionView[] {
    return [...this.controllers.values()].map((c) => c.view());
  }

  connectionStates(): { name: string; state: string }[] {
    return [...this.controllers.values()].map((c) => ({ name: c.name, state: c.state }));
  }

  recentHistory(limit?: number): FailoverHistoryEntry[] {
    return this.history.latest(limit);
  }

  isConnected(): boolean {
    return this.session.connected;
  }

  /** Ready: VICI up and every managed connection UP; never with no connection at all. */
  readiness(): { ready: boolean; detail: Record<string, unknown> } {
    if (!this.enabled) return { ready: true, detail: { enabled: false } };
    const states = Object.fromEntries(this.describe().map((c) => [c.name, c.state]));
    const all = Object.values(states);
    const ready = this.session.connected && all.length > 0 && all.every((s) => s === 'UP');
    const vici = this.session.connected ? 'connected' : 'disconnected';
    return { ready, detail: { vici, connections: states } };
  }

  // ---------------------------------------------------------------- admin actions

  failoverNow(name: string): SegwConnectionView {
    const c = this.get(name);
    c.failoverNow();
    return c.view();
  }

  primaryNow(name: string): SegwConnectionView {
    const c = this.get(name);
    c.primaryNow();
    return c.view();
  }

  private get(name: string): SegwConnectionController {
    const c = this.controllers.get(name);
    if (!c) throw new UnknownSegwConnectionError(`no managed SEGW connection '${name}'`);
    return c;
  }

  // ---------------------------------------------------------------- session events

  online(v: { daemon: string; version: string }): void {
    this.log.log(
      `Connected to ${v.daemon} ${v.version} over VICI; loading ${this.controllers.size} connection(s)`,
    );
    for (const c of this.controllers.values()) c.start();
  }

  offline(): void {
    for (const c of this.controllers.values()) c.suspend();
  }

  ikeUpdown(up: boolean, connection: string, sa: IkeSaInfo): void {
    this.controllers.get(connection)?.ikeUpdown(up, sa);
  }

  /** Section 5.3: INSUPC servers mapped to a connection all lost → probe its SEGW. */
  private watchInsupc(): void {
    const mapping = new Map<string, string>();
    for (const client of this.config.insupc.clients) {
      if (client.segwConnection && this.controllers.has(client.segwConnection))
        mapping.set(client.name, client.segwConnection);
    }
    const watch = new InsupcLossWatch(mapping);
    if (!watch.watching) return;
    if (!this.insupc) {
      const text = 'segw-connection set but no INSUPC transport in this gateway';
      this.log.warn(segwIncident('invalid-parameter', text));
      return;
    }
    this.unsubscribe = this.insupc.onServerAvailability((server, loggedOn) => {
      const lost = watch.update(server, loggedOn);
      if (lost === undefined) return;
      const text = `every INSUPC server through '${lost}' lost; probing its SEGW`;
      this.log.warn(segwIncident('insupc-lost', text));
      void this.controllers.get(lost)?.insupcLost();
    });
  }
}
