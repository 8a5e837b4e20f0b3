import { Module } from '@nestjs/common';
import { FileStore } from '../common/io/file-store';
import { SchedulerModule } from '../common/scheduler.module';
import { SEGW_STATE } from '../contracts/state-sources';
import { ConfigType } from '@nestjs/config';
import { segwConfig } from '../config/config-namespaces';
import { InsupcModule } from '../insupc/insupc.module';
import { IPSEC_CONTROL } from './ipsec-control';
import { SegwController } from './segw.controller';
import { SEGW_HISTORY_STORE, SegwFailoverManager } from './segw-failover.manager';
import { SegwCounters } from './segw.counters';
import { ViciIpsecControl } from './vici-ipsec-control';

/**
 * SEGW failover through strongSwan's VICI. With `segw.enabled: false` (the default) the
 * manager opens no socket and starts no timer; /segw reports it disabled. INSUPC_STATE (from
 * InsupcModule) tells it when the INSUPC servers behind a tunnel are lost (section 5.3).
 */
@Module({
  imports: [SchedulerModule, InsupcModule],
  controllers: [SegwController],
  providers: [
    {
      provide: IPSEC_CONTROL,
      inject: [segwConfig.KEY],
      useFactory: (segw: ConfigType<typeof segwConfig>) =>
        new ViciIpsecControl(segw.viciSocket, segw.policy.initiateTimeout),
    },
    // the project's atomic file writer (write-file-atomic)
    { provide: SEGW_HISTORY_STORE, useFactory: () => new FileStore() },
    SegwCounters,
    SegwFailoverManager,
    { provide: SEGW_STATE, useExisting: SegwFailoverManager },
  ],
  exports: [SEGW_STATE, SegwFailoverManager, SegwCounters],
})
export class SegwModule {}
