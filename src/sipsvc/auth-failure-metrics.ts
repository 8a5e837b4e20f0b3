import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Scheduler, SCHEDULER } from '../common/scheduler';
import { OwnedMetrics } from '../metrics/owned-metrics';
import { AuthFailureThrottle } from './auth-failure-throttle';

/** operations.md §8.4 on /metrics, read from the throttle at scrape time. */
@Injectable()
export class AuthFailureMetrics implements OnModuleDestroy {
  private readonly owned = new OwnedMetrics();

  constructor(throttle: AuthFailureThrottle, @Inject(SCHEDULER) scheduler: Scheduler) {
    this.owned.add(
      new Counter({
        name: 'insupclient_auth_failures_total',
        help: 'Failed SIPSVC auths (wrong or malformed credentials), all addresses',
        registers: [],
        collect() {
          this.reset();
          this.inc(throttle.failuresTotal);
        },
      }),
    );
    this.owned.add(
      new Gauge({
        name: 'insupclient_blocked_addresses',
        help: 'Source addresses whose new SIPSVC connections are closed after failed auths',
        registers: [],
        collect() {
          this.set(throttle.blockedCount(scheduler.now()));
        },
      }),
    );
  }

  onModuleDestroy(): void {
    this.owned.unregisterAll();
  }
}
