import { DynamicModule, Global, Module } from '@nestjs/common';
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
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
