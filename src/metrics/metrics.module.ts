import { Module } from '@nestjs/common';
import { StatisticsModule } from '../statistics/statistics.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Global so the execute pipeline can inject MetricsService to observe latency. */
@Module({
  imports: [StatisticsModule],
  providers: [MetricsService],
  controllers: [MetricsController],
  exports: [MetricsService],
})
export class MetricsModule {}
