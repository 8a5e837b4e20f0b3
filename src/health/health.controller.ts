import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction } from '@nestjs/terminus';
import {
  InsupcRoutableIndicator,
  SegwIndicator,
  SipsvcListenerIndicator,
} from './readiness.indicators';

/**
 * Liveness checks nothing external (a dead INSUPC must not get the gateway restarted);
 * readiness is fed by per-dependency indicators. Both stay open when an admin token is set.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly sipsvc: SipsvcListenerIndicator,
    private readonly insupc: InsupcRoutableIndicator,
    private readonly segw: SegwIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * 200 when SIPSVC is listening and an INSUPC server is routable; else 503. SEGW state (when
   * enabled) is in the details only.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    const checks: HealthIndicatorFunction[] = [
      () => this.sipsvc.check(),
      () => this.insupc.check(),
    ];
    if (this.segw.enabled) checks.push(() => this.segw.check());
    return this.health.check(checks);
  }
}
