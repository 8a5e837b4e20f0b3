import { Module } from '@nestjs/common';
import { SEGW_STATE } from '../contracts/state-sources';
import { AppConfig } from '../config/config.schema';
import { IPSEC_CONTROL } from './ipsec-control';
import { SegwController } from './segw.controller';
import { SegwFailoverManager } from './segw-failover.manager';
import { SegwCounters } from './segw.counters';
import { ViciIpsecControl } from './vici-ipsec-control';

/**
 * SEGW failover through strongSwan's VICI. With `segw.enabled: false` (the default) the
 * manager opens no socket and starts no timer; /segw reports it disabled.
 */
@Module({
  controllers: [SegwController],
  providers: [
    {
      provide: IPSEC_CONTROL,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new ViciIpsecControl(config.segw.viciSocket, config.segw.policy.initiateTimeout),
    },
    SegwCounters,
    SegwFailoverManager,
    { provide: SEGW_STATE, useExisting: SegwFailoverManager },
  ],
  exports: [SEGW_STATE, SegwFailoverManager, SegwCounters],
})
export class SegwModule {}
