import { Module } from '@nestjs/common';
import { ServiceStateService } from './service-state.service';

/** The ACTIVE/BLOCKED service state alone: what the transports and the pipeline read. */
@Module({ providers: [ServiceStateService], exports: [ServiceStateService] })
export class ServiceStateModule {}
