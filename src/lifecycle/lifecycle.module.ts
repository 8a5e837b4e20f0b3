import { Module } from '@nestjs/common';
import { SchedulerModule } from '../common/scheduler.module';
import { ExecuteModule } from '../execute/execute.module';
import { InsupcModule } from '../insupc/insupc.module';
import { SipsvcModule } from '../sipsvc/sipsvc.module';
import { StatisticsModule } from '../statistics/statistics.module';
import { GracefulShutdown } from './graceful-shutdown.service';

@Module({
  imports: [SchedulerModule, StatisticsModule, SipsvcModule, ExecuteModule, InsupcModule],
  providers: [GracefulShutdown],
  exports: [GracefulShutdown],
})
export class LifecycleModule {}
