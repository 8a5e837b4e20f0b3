import { Module } from '@nestjs/common';
import { ExecuteModule } from '../execute/execute.module';
import { InsupcModule } from '../insupc/insupc.module';
import { ServiceStateModule } from '../oam/service-state.module';
import { SegwModule } from '../segw/segw.module';
import { SipsvcModule } from '../sipsvc/sipsvc.module';
import { StatisticsModule } from '../statistics/statistics.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { OperatorGauges } from './operator-gauges';

/**
 * /metrics: the statistics at scrape time, the execute latency it subscribes to, and the
 * operator gauges read from the features' state sources.
 */
@Module({
  imports: [
    StatisticsModule,
    ExecuteModule,
    ServiceStateModule,
    SipsvcModule,
    InsupcModule,
    SegwModule,
  ],
  providers: [MetricsService, OperatorGauges],
  controllers: [MetricsController],
  exports: [MetricsService],
})
export class MetricsModule {}
