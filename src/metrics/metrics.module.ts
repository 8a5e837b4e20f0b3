import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { OperatorGauges } from './operator-gauges';

/** Global so the execute pipeline can inject MetricsService to observe latency. */
@Global()
@Module({
  providers: [MetricsService, OperatorGauges],
  controllers: [MetricsController],
  exports: [MetricsService],
})
export class MetricsModule {}
