import { Module } from '@nestjs/common';
import { NestScheduler, SCHEDULER } from './scheduler';

/** Provides SCHEDULER; needs ScheduleModule.forRoot() (global) in the application. */
@Module({
  providers: [NestScheduler, { provide: SCHEDULER, useExisting: NestScheduler }],
  exports: [SCHEDULER],
})
export class SchedulerModule {}
