import { Module } from '@nestjs/common';
import { GracefulShutdown } from './graceful-shutdown.service';

@Module({ providers: [GracefulShutdown], exports: [GracefulShutdown] })
export class LifecycleModule {}
