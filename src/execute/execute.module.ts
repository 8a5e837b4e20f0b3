import { Module } from '@nestjs/common';
import { SchedulerModule } from '../common/scheduler.module';
import { SESSION_STATE } from '../contracts/state-sources';
import { InsupcModule } from '../insupc/insupc.module';
import { ServiceStateModule } from '../oam/service-state.module';
import { ExecuteLogWriter } from './execute-log.writer';
import { ExecuteController } from './execute.controller';
import { ExecuteCounters } from './execute.counters';
import { ExecuteLatency } from './execute-latency';
import { ExecuteService } from './execute.service';

/**
 * The execute pipeline and load control: INSUPC_QUERY from InsupcModule, the service state,
 * provides ExecuteLatency (metrics subscribes), SESSION_STATE for /state, health and shutdown.
 */
@Module({
  imports: [SchedulerModule, ServiceStateModule, InsupcModule],
  controllers: [ExecuteController],
  providers: [
    ExecuteLogWriter,
    ExecuteCounters,
    ExecuteLatency,
    ExecuteService,
    { provide: SESSION_STATE, useExisting: ExecuteService },
  ],
  exports: [SESSION_STATE, ExecuteService, ExecuteCounters, ExecuteLatency],
})
export class ExecuteModule {}
