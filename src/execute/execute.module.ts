import { Module } from '@nestjs/common';
import { SchedulerModule } from '../common/scheduler.module';
import { SESSION_STATE } from '../contracts/state-sources';
import { InsupcModule } from '../insupc/insupc.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ServiceStateModule } from '../oam/service-state.module';
import { ExecuteLogWriter } from './execute-log.writer';
import { ExecuteController } from './execute.controller';
import { ExecuteCounters } from './execute.counters';
import { ExecuteService } from './execute.service';

/**
 * The execute pipeline and load control: INSUPC_QUERY from InsupcModule, the service state,
 * the latency histogram; provides SESSION_STATE for /state, health and shutdown.
 */
@Module({
  imports: [SchedulerModule, ServiceStateModule, InsupcModule, MetricsModule],
  controllers: [ExecuteController],
  providers: [
    ExecuteLogWriter,
    ExecuteCounters,
    ExecuteService,
    { provide: SESSION_STATE, useExisting: ExecuteService },
  ],
  exports: [SESSION_STATE, ExecuteService, ExecuteCounters],
})
export class ExecuteModule {}
