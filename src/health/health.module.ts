import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InsupcModule } from '../insupc/insupc.module';
import { SegwModule } from '../segw/segw.module';
import { SipsvcModule } from '../sipsvc/sipsvc.module';
import { HealthController } from './health.controller';
import {
  InsupcRoutableIndicator,
  SegwIndicator,
  SipsvcListenerIndicator,
} from './readiness.indicators';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), SipsvcModule, InsupcModule, SegwModule],
  controllers: [HealthController],
  providers: [SipsvcListenerIndicator, InsupcRoutableIndicator, SegwIndicator],
})
export class HealthModule {}
