import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CONFIG_FILE_PATH } from './config-file-path';
import { AppConfig } from './config.schema';

/**
 * Makes the validated {@link AppConfig} injectable by its class (typed access everywhere)
 * and registers the same object with @nestjs/config for code that prefers ConfigService.
 */
@Global()
@Module({})
export class AppConfigModule {
  /** `configPath`: the YAML file `config` was loaded from (the OAM reload action re-reads it). */
  static forRoot(config: AppConfig, configPath?: string): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => config as unknown as Record<string, unknown>],
        }),
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        ...(configPath ? [{ provide: CONFIG_FILE_PATH, useValue: configPath }] : []),
      ],
      exports: [AppConfig, ...(configPath ? [CONFIG_FILE_PATH] : [])],
    };
  }
}
