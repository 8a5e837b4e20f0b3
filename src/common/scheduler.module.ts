import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { NestScheduler, SCHEDULER } from './scheduler';

/** Provides SCHEDULER, on @nestjs/schedule's SchedulerRegistry. */
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [NestScheduler, { provide: SCHEDULER, useExisting: NestScheduler }],
  exports: [SCHEDULER],
})
export class SchedulerModule {}
