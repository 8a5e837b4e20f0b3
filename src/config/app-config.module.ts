import { DynamicModule, Global, Module } from '@nestjs/common';
import { CONFIG_FILE_PATH } from './config-file-path';
import { AppConfig } from './config.schema';

/**
 * Makes the validated {@link AppConfig} injectable by its class (typed access everywhere).
 * The one entry point: loading and validation happen before Nest starts (config.loader.ts),
 * so `config check` and the start-up share them; see docs/decisions.md for why
 * @nestjs/config is not used.
 */
@Global()
@Module({})
export class AppConfigModule {
  /** `configPath`: the YAML file `config` was loaded from (the OAM reload action re-reads it). */
  static forRoot(config: AppConfig, configPath?: string): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        ...(configPath ? [{ provide: CONFIG_FILE_PATH, useValue: configPath }] : []),
      ],
      exports: [AppConfig, ...(configPath ? [CONFIG_FILE_PATH] : [])],
    };
  }
}
