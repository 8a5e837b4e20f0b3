import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { AppConfigModule } from './config/app-config.module';
import { AppConfig } from './config/config.schema';
import { ConsoleModule } from './console/console.module';
import { ExecuteModule } from './execute/execute.module';
import { HealthModule } from './health/health.module';
import { InsupcModule } from './insupc/insupc.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { OamModule } from './oam/oam.module';
import { SegwModule } from './segw/segw.module';
import { SipsvcModule } from './sipsvc/sipsvc.module';
import { StatisticsModule } from './statistics/statistics.module';
import { TlsModule } from './tls/tls.module';

export interface GatewayOptions {
  /** the YAML file `config` was loaded from; the reload action re-reads it. */
  configPath?: string;
}

/** The gateway: one feature module per concern, all built from one validated config. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: GatewayOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config, options.configPath),
        LoggingModule.forRoot(config),
        TlsModule,
        StatisticsModule,
        OamModule,
        InsupcModule,
        SipsvcModule,
        ExecuteModule,
        SegwModule,
        HealthModule,
        MetricsModule,
        AdminModule,
        ConsoleModule,
        LifecycleModule,
      ],
    };
  }
}
