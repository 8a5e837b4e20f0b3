import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import {
  InsupcRoutableIndicator,
  SegwIndicator,
  SipsvcListenerIndicator,
} from './readiness.indicators';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [SipsvcListenerIndicator, InsupcRoutableIndicator, SegwIndicator],
})
export class HealthModule {}
