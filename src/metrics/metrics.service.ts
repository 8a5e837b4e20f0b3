import { Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { ExecuteLatency } from '../execute/execute-latency';
import { Counter, Gauge, Metric } from 'prom-client';
import { CountingHistogram } from './counting-histogram';
import { StatisticsService } from '../statistics/statistics.service';
import { ensureDefaultMetrics, OwnedMetrics } from './owned-metrics';

/**
 * Execute latency buckets (seconds): fine from 0.25 ms to 10 ms, where a healthy gateway's
 * answers fall and where the tail is judged (1 ms vs 2, 3, 4, 5 ms are told apart), then
 * coarse up to session timeouts (tens of s). 21 bounds: observe() stays cheap.
 */
export const EXECUTE_BUCKETS = [
  0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1,
  0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/**
 * Prometheus metrics on prom-client's default registry (other modules add theirs there).
 * Counters mirroring the statistics are filled at scrape time from the StatisticsService
 * objects (`collect`), so the hot paths do no double bookkeeping; only the execute latency
 * histogram is observed per request, through {@link observeExecute}.
 *
 * The gauges operators alert on are in {@link OperatorGauges}.
 */
/** numeric fields of a snapshot section, as metrics reads them */
type Counts = Record<string, number>;

@Injectable()
export class MetricsService implements OnModuleDestroy {
  private readonly owned = new OwnedMetrics();
  /** by SIPSVC result code; observed once per execute, so it allocates nothing. */
  private readonly executeDuration = new CountingHistogram(
    'insupclient_execute_duration_seconds',
    'Time from an execute request to its answer, by SIPSVC result code',
    'result',
    EXECUTE_BUCKETS,
  );

  constructor(
    private readonly stats: StatisticsService,
    @Optional() latency?: ExecuteLatency,
  ) {
    ensureDefaultMetrics();
    latency?.subscribe(this);
    // the registry reads any metric through get(); the typings know prom-client's own only
    this.owned.add(this.executeDuration as unknown as Metric);
    this.registerMirrors();
  }

  /** Call once per answered execute: `seconds` since it was received, its SIPSVC result. */
  observeExecute(seconds: number, result: number): void {
    this.executeDuration.observe(result, seconds);
  }

  onModuleDestroy(): void {
    this.owned.unregisterAll();
  }

  private registerMirrors(): void {
    // the composed statistics snapshot: metrics knows the field names, not who owns them
    const server = () =>
      this.stats.snapshot('').server as Counts & { commands: Record<string, Counts> };
    const clients = () => Object.entries(this.stats.snapshot('').client) as [string, Counts][];
    this.owned.add(
      new Counter({
        name: 'insupclient_sipsvc_requests_total',
        help: 'SIPSVC requests by command and outcome (attempt, success, failure)',
        labelNames: ['command', 'outcome'],
        registers: [],
        collect() {
          this.reset();
          for (const [cmd, c] of Object.entries(server().commands)) {
            this.inc({ command: cmd, outcome: 'attempt' }, c.attempts);
            this.inc({ command: cmd, outcome: 'success' }, c.success);
            this.inc({ command: cmd, outcome: 'failure' }, c.failure);
          }
        },
      }),
    );
    this.owned.add(
      new Counter({
        name: 'insupclient_sipsvc_connections_total',
        help: 'SIPSVC connections by event (accepted, authenticated, rejected)',
        labelNames: ['event'],
        registers: [],
        collect() {
          this.reset();
          const sv = server();
          this.inc({ event: 'accepted' }, sv.connectionsAccepted);
          this.inc({ event: 'authenticated' }, sv.connectionsAuthenticated);
          this.inc({ event: 'rejected' }, sv.connectionsRejected);
        },
      }),
    );
    this.owned.add(
      new Counter({
        name: 'insupclient_sipsvc_rejections_total',
        help: 'SIPSVC requests refused or lost by reason (tps, queue, timeout, dropped_response)',
        labelNames: ['reason'],
        registers: [],
        collect() {
          this.reset();
          const sv = server();
          this.inc({ reason: 'tps' }, sv.tpsRejections);
          this.inc({ reason: 'queue' }, sv.queueRejections);
          this.inc({ reason: 'timeout' }, sv.timeouts);
          this.inc({ reason: 'dropped_response' }, sv.droppedResponses);
        },
      }),
    );
    this.owned.add(
      new Counter({
        name: 'insupclient_insupc_requests_total',
        help: 'INSUPC queries by server and outcome (request, success, failure, timeout)',
        labelNames: ['server', 'outcome'],
        registers: [],
        collect() {
          this.reset();
          for (const [server, c] of clients()) {
            this.inc({ server, outcome: 'request' }, c.requests);
            this.inc({ server, outcome: 'success' }, c.success);
            this.inc({ server, outcome: 'failure' }, c.failure);
            this.inc({ server, outcome: 'timeout' }, c.timeouts);
          }
        },
      }),
    );
    this.owned.add(
      new Counter({
        name: 'insupclient_insupc_failures_total',
        help: 'INSUPC answers with a failing RESULT byte, by server and result',
        labelNames: ['server', 'result'],
        registers: [],
        collect() {
          this.reset();
          for (const [server, c] of clients()) {
            for (const [result, n] of Object.entries(c.failureByResult as unknown as Counts))
              this.inc({ server, result }, n);
          }
        },
      }),
    );
    this.owned.add(
      new Counter({
        name: 'insupclient_insupc_connection_events_total',
        help: 'INSUPC connection events by server (connection_loss, reconnect, logon_failure, unmatched_response)',
        labelNames: ['server', 'event'],
        registers: [],
        collect() {
          this.reset();
          for (const [server, c] of clients()) {
            this.inc({ server, event: 'connection_loss' }, c.connectionLosses);
            this.inc({ server, event: 'reconnect' }, c.reconnects);
            this.inc({ server, event: 'logon_failure' }, c.logonFailures);
            this.inc({ server, event: 'unmatched_response' }, c.unmatchedResponses);
          }
        },
      }),
    );
    this.owned.add(
      new Gauge({
        name: 'insupclient_insupc_db_status_info',
        help: 'Current DB_STATUS of each INSUPC server (1 on the label with the status)',
        labelNames: ['server', 'db_status'],
        registers: [],
        collect() {
          this.reset();
          for (const [server, c] of clients()) {
            this.set({ server, db_status: (c.dbStatus as unknown as string) || 'unknown' }, 1);
          }
        },
      }),
    );
    // SEGW metrics (insupclient_segw_*) are registered per connection by the SEGW module.
  }
}
