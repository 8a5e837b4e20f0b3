import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CONFIG_FILE_PATH } from './config-file-path';
import { bindConfigNamespaces } from './config-namespaces';
import { AppConfig } from './config.schema';

/**
 * The one way config reaches providers: @nestjs/config's ConfigModule, its `load` the
 * namespaces of config-namespaces.ts bound to the config that config.loader.ts loaded and
 * validated before Nest started (so `config check` and the start-up share every rule).
 * ConfigModule reads no `.env` file and no process.env: the loader already applied the
 * INSUPCLIENT_* overrides, and a second path would disagree with `config check`.
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
          validatePredefined: false,
          skipProcessEnv: true,
          load: bindConfigNamespaces(config),
        }),
      ],
      providers: configPath ? [{ provide: CONFIG_FILE_PATH, useValue: configPath }] : [],
      exports: configPath ? [CONFIG_FILE_PATH] : [],
    };
  }
}
