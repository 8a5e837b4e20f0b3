import { Logger, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { securityConfig } from '../config/config-namespaces';
import { AuthFailureMetrics } from './auth-failure-metrics';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { SchedulerModule } from '../common/scheduler.module';
import { SIPSVC_STATE } from '../contracts/state-sources';
import { ServiceStateModule } from '../oam/service-state.module';
import { SipsvcAuthService } from './sipsvc-auth.service';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';
import { SipsvcController } from './sipsvc.controller';
import { SipsvcCounters } from './sipsvc.counters';
import { SipsvcServer } from './sipsvc.server';

/**
 * The SIPSVC JSON/TCP transport. `SipsvcServer` is a provider (so it gets config, counters
 * and state injected) that `bootstrap.ts` connects as the hybrid app's microservice strategy.
 */
@Module({
  imports: [SchedulerModule, ServiceStateModule],
  controllers: [SipsvcController],
  providers: [
    {
      provide: AuthFailureThrottle,
      inject: [securityConfig.KEY],
      useFactory: (security: ConfigType<typeof securityConfig>) =>
        new AuthFailureThrottle(() => security.authFailure, new Logger('SipsvcAuth')),
    },
    AuthFailureMetrics,
    SipsvcConnectionRegistry,
    SipsvcAuthService,
    SipsvcCounters,
    SipsvcServer,
    { provide: SIPSVC_STATE, useExisting: SipsvcServer },
  ],
  exports: [SipsvcServer, SIPSVC_STATE, SipsvcCounters],
})
export class SipsvcModule {}
