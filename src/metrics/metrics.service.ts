import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { SIPSVC_COMMANDS } from '../statistics/statistics.counters';
import { StatisticsService } from '../statistics/statistics.service';
import { ensureDefaultMetrics, OwnedMetrics } from './owned-metrics';

/** Execute latency buckets (seconds): INSUPC answers take ms; session timeouts take tens of s. */
const EXECUTE_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/**
 * Prometheus metrics on prom-client's default registry (other modules add theirs there).
 * Counters mirroring the statistics are filled at scrape time from the StatisticsService
 * objects (`collect`), so the hot paths do no double bookkeeping; only the execute latency
 * histogram is observed per request, through {@link observeExecute}.
 *
 * The gauges operators alert on are in {@link OperatorGauges}.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  private readonly owned = new OwnedMetrics();
  private readonly executeDuration: Histogram<'result'>;
  /** histogram children by SIPSVC result code (a handful), so observing allocates nothing. */
  private readonly executeByResult = new Map<number, Histogram.Internal<'result'>>();

  constructor(private readonly stats: StatisticsService) {
    ensureDefaultMetrics();
    this.executeDuration = this.owned.add(
      new Histogram({
        name: 'insupclient_execute_duration_seconds',
        help: 'Time from an execute request to its answer, by SIPSVC result code',
        labelNames: ['result'],
        buckets: EXECUTE_BUCKETS,
        registers: [],
      }),
    );
    this.registerMirrors();
  }

  /** Call once per answered execute: `seconds` since it was received, its SIPSVC result. */
  observeExecute(seconds: number, result: number): void {
    let child = this.executeByResult.get(result);
    if (!child) {
      child = this.executeDuration.labels(String(result));
      this.executeByResult.set(result, child);
    }
    child.observe(seconds);
  }

  onModuleDestroy(): void {
    this.owned.unregisterAll();
  }

  private registerMirrors(): void {
    const s = this.stats;
    this.owned.add(
      new Counter({
        name: 'insupclient_sipsvc_requests_total',
        help: 'SIPSVC requests by command and outcome (attempt, success, failure)',
        labelNames: ['command', 'outcome'],
        registers: [],
        collect() {
          this.reset();
          for (const cmd of SIPSVC_COMMANDS) {
            const c = s.sipsvc.commands[cmd];
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
          this.inc({ event: 'accepted' }, s.sipsvc.connectionsAccepted);
          this.inc({ event: 'authenticated' }, s.sipsvc.connectionsAuthenticated);
          this.inc({ event: 'rejected' }, s.sipsvc.connectionsRejected);
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
          this.inc({ reason: 'tps' }, s.sipsvc.tpsRejections);
          this.inc({ reason: 'queue' }, s.sipsvc.queueRejections);
          this.inc({ reason: 'timeout' }, s.sipsvc.timeouts);
          this.inc({ reason: 'dropped_response' }, s.sipsvc.droppedResponses);
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
          for (const [server, c] of s.insupcEntries()) {
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
          for (const [server, c] of s.insupcEntries()) {
            for (const [result, n] of Object.entries(c.failureByResult))
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
          for (const [server, c] of s.insupcEntries()) {
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
          for (const [server, c] of s.insupcEntries()) {
            this.set({ server, db_status: c.dbStatus || 'unknown' }, 1);
          }
        },
      }),
    );
    // SEGW metrics (insupclient_segw_*) are registered per connection by the SEGW module.
  }
}
