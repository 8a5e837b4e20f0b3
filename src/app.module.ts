import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AppConfigModule } from './config/app-config.module';
import { AppConfig } from './config/config.schema';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { OamModule } from './oam/oam.module';
import { StatisticsModule } from './statistics/statistics.module';

/** The gateway: one feature module per concern, all built from one validated config. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        ScheduleModule.forRoot(),
        StatisticsModule,
        OamModule,
        HealthModule,
      ],
    };
  }
}
