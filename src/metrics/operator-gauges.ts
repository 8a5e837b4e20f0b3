import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import {
  INSUPC_STATE,
  InsupcStateView,
  SEGW_STATE,
  SegwStateSource,
  SESSION_STATE,
  SessionStateView,
  SIPSVC_STATE,
  SipsvcStateView,
} from '../contracts/state-sources';
import { ConfigType } from '@nestjs/config';
import {
  sipsvcConfig,
  workerConfig,
  insupcConfig,
  messageConfig,
} from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { ServiceStateService } from '../oam/service-state.service';
import {
  segwConnectionUp,
  segwFailoversTotal,
  segwInitiateFailuresTotal,
} from '../segw/segw-metrics';
import { OwnedMetrics } from './owned-metrics';

const SEGW_STATES = ['UP', 'CONNECTING', 'DOWN', 'FAILED'] as const;

/**
 * The gauges of operations spec §6.2, each read at scrape time (`collect`) from the feature
 * modules' state sources: nothing is kept up to date on a hot path. A source that is absent
 * (a unit-test module without that feature) leaves its gauges empty.
 */
@Injectable()
export class OperatorGauges implements OnModuleDestroy {
  private readonly owned = new OwnedMetrics();

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'sipsvc' | 'worker' | 'insupc' | 'message'>;

  constructor(
    @Inject(sipsvcConfig.KEY) sipsvcSection: ConfigType<typeof sipsvcConfig>,
    @Inject(workerConfig.KEY) worker: ConfigType<typeof workerConfig>,
    @Inject(insupcConfig.KEY) insupcSection: ConfigType<typeof insupcConfig>,
    @Inject(messageConfig.KEY) message: ConfigType<typeof messageConfig>,
    private readonly serviceState: ServiceStateService,
    @Optional() @Inject(SIPSVC_STATE) private readonly sipsvc?: SipsvcStateView,
    @Optional() @Inject(SESSION_STATE) private readonly sessions?: SessionStateView,
    @Optional() @Inject(INSUPC_STATE) private readonly insupc?: InsupcStateView,
    @Optional() @Inject(SEGW_STATE) private readonly segw?: SegwStateSource,
  ) {
    this.config = { sipsvc: sipsvcSection, worker, insupc: insupcSection, message };
    this.registerService();
    this.registerQueues();
    this.registerInsupc();
    this.registerSegw();
  }

  onModuleDestroy(): void {
    this.owned.unregisterAll();
  }

  private gauge(name: string, help: string, labelNames: string[], collect: (g: Gauge) => void) {
    this.owned.add(
      new Gauge({
        name,
        help,
        labelNames,
        registers: [],
        collect() {
          this.reset();
          collect(this);
        },
      }),
    );
  }

  private registerService(): void {
    const { serviceState, sessions, sipsvc } = this;
    this.gauge('insupclient_service_blocked', '1 when the service state is BLOCKED', [], (g) =>
      g.set(serviceState.blocked ? 1 : 0),
    );
    this.gauge(
      'insupclient_load_level',
      'Load level: 0 Normal, 1 Warning, 2 Critical, 3 Overload',
      [],
      (g) => {
        const level = sessions?.loadLevel?.();
        if (level !== undefined) g.set(level);
      },
    );
    this.gauge(
      'insupclient_sessions_open',
      'Execute sessions open (awaiting an answer)',
      [],
      (g) => {
        if (sessions) g.set(sessions.messageMappingSize());
      },
    );
    // limits are config keys (message.max-sessions is hot-reloadable: read at each scrape)
    this.gauge('insupclient_sessions_max', 'Limit of open execute sessions', [], (g) =>
      g.set(this.config.message.maxSessions),
    );
    this.gauge(
      'insupclient_sipsvc_connections',
      'Open SIPSVC connections by state (authenticated, pending = not yet authenticated)',
      ['state'],
      (g) => {
        if (!sipsvc) return;
        const counts = sipsvc.connectionCounts?.() ?? pendingFromList(sipsvc);
        g.set({ state: 'authenticated' }, counts.authenticated);
        g.set({ state: 'pending' }, counts.pending);
      },
    );
  }

  private registerQueues(): void {
    const { sipsvc, sessions, config } = this;
    this.gauge('insupclient_queue_depth', 'Items waiting in each queue', ['queue'], (g) => {
      if (sipsvc) g.set({ queue: 'sipsvc_recv' }, sipsvc.recvQueueSize());
      if (sessions) {
        g.set({ queue: 'worker' }, sessions.workerQueueSize());
        g.set({ queue: 'insupc_recv' }, sessions.insupcRecvQueueSize?.() ?? 0);
      }
    });
    this.gauge('insupclient_queue_capacity', 'Capacity of each queue', ['queue'], (g) => {
      g.set({ queue: 'sipsvc_recv' }, config.sipsvc.recvQueue.capacity);
      g.set({ queue: 'worker' }, config.worker.queueCapacity);
      g.set({ queue: 'insupc_recv' }, config.insupc.recvQueue.capacity);
    });
  }

  private registerInsupc(): void {
    const { insupc } = this;
    this.gauge(
      'insupclient_insupc_server_routable',
      '1 when routing may use that INSUPC server now',
      ['server'],
      (g) => {
        for (const s of insupc?.describeServers() ?? [])
          g.set({ server: s.name }, s.routable ? 1 : 0);
      },
    );
    this.gauge(
      'insupclient_insupc_server_drained',
      '1 while an operator has drained that INSUPC server (no new queries)',
      ['server'],
      (g) => {
        for (const s of insupc?.describeServers() ?? [])
          g.set({ server: s.name }, s.drained ? 1 : 0);
      },
    );
    this.gauge('insupclient_insupc_routable_servers', 'INSUPC servers routable now', [], (g) => {
      if (insupc) g.set(insupc.routableServerCount());
    });
    this.gauge(
      'insupclient_insupc_server_ejected',
      '1 while outlier detection keeps that INSUPC server out of rotation',
      ['server'],
      (g) => {
        for (const e of insupc?.ejections?.() ?? []) g.set({ server: e.server }, e.ejected ? 1 : 0);
      },
    );
    this.counter(
      'insupclient_insupc_ejections_total',
      'Ejections of each INSUPC server by outlier detection since start',
      ['server'],
      (c) => {
        for (const e of insupc?.ejections?.() ?? []) c.inc({ server: e.server }, e.ejections);
      },
    );
    this.counter(
      'insupclient_execute_retries_total',
      'Executes sent once more to another INSUPC server (insupc.retry.api-names)',
      [],
      (c) => {
        const n = this.sessions?.retries?.();
        if (n !== undefined) c.inc(n);
      },
    );
  }

  /** a counter whose value is read at scrape time from a count kept elsewhere. */
  private counter(name: string, help: string, labelNames: string[], collect: (c: Counter) => void) {
    this.owned.add(
      new Counter({
        name,
        help,
        labelNames,
        registers: [],
        collect() {
          this.reset();
          collect(this);
        },
      }),
    );
  }

  private registerSegw(): void {
    const { segw } = this;
    this.gauge(
      'insupclient_segw_connection_state',
      'Managed SEGW connection state: 1 on the current state (UP, CONNECTING, DOWN, FAILED)',
      ['connection', 'state'],
      (g) => {
        for (const c of segw?.connectionStates?.() ?? []) {
          for (const state of SEGW_STATES)
            g.set({ connection: c.name, state }, c.state === state ? 1 : 0);
        }
      },
    );
    // Registered now rather than at the first failover, so /metrics names them from start.
    segwFailoversTotal();
    segwInitiateFailuresTotal();
    segwConnectionUp();
  }
}

function pendingFromList(sipsvc: SipsvcStateView): { authenticated: number; pending: number } {
  const { total, authenticated } = sipsvc.describeConnections();
  return { authenticated, pending: total - authenticated };
}
