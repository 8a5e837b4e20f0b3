import { Global, Module } from '@nestjs/common';
import { SchedulerModule } from '../common/scheduler.module';
import { SEGW_STATE } from '../common/state-sources';
import { AppConfig } from '../config/config.schema';
import { FileStore } from '../oam/atomic-file';
import { IPSEC_CONTROL } from './ipsec-control';
import { SegwController } from './segw.controller';
import { SEGW_HISTORY_STORE, SegwFailoverManager } from './segw-failover.manager';
import { ViciIpsecControl } from './vici-ipsec-control';

/**
 * SEGW failover through strongSwan's VICI. With `segw.enabled: false` (the default) the
 * manager opens no socket and starts no timer; /segw reports it disabled.
 */
@Global()
@Module({
  imports: [SchedulerModule],
  controllers: [SegwController],
  providers: [
    {
      provide: IPSEC_CONTROL,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new ViciIpsecControl(config.segw.viciSocket, config.segw.policy.initiateTimeout),
    },
    // the project's atomic file writer: temp file, fsync, rename
    { provide: SEGW_HISTORY_STORE, useFactory: () => new FileStore() },
    SegwFailoverManager,
    { provide: SEGW_STATE, useExisting: SegwFailoverManager },
  ],
  exports: [SEGW_STATE, SegwFailoverManager],
})
export class SegwModule {}
