import { Module } from '@nestjs/common';
import { ExecuteModule } from '../execute/execute.module';
import { StatisticsModule } from '../statistics/statistics.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** /metrics: the statistics at scrape time, and the execute latency it subscribes to. */
@Module({
  imports: [StatisticsModule, ExecuteModule],
  providers: [MetricsService],
  controllers: [MetricsController],
  exports: [MetricsService],
})
export class MetricsModule {}
