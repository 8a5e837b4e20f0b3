import { Global, Module } from '@nestjs/common';
import { SIPSVC_STATE } from '../common/state-sources';
import { SipsvcAuthService } from './sipsvc-auth.service';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';
import { SipsvcController } from './sipsvc.controller';
import { SipsvcServer } from './sipsvc.server';

/**
 * The SIPSVC JSON/TCP transport. `SipsvcServer` is a provider (so it gets config, statistics
 * and state injected) that `bootstrap.ts` connects as the hybrid app's microservice strategy.
 */
@Global()
@Module({
  controllers: [SipsvcController],
  providers: [
    SipsvcConnectionRegistry,
    SipsvcAuthService,
    SipsvcServer,
    { provide: SIPSVC_STATE, useExisting: SipsvcServer },
  ],
  exports: [SipsvcServer, SIPSVC_STATE],
})
export class SipsvcModule {}
