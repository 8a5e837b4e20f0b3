import { DynamicModule, Global, Module } from '@nestjs/common';
import { SchedulerModule } from '../common/scheduler.module';
import { FileStore } from './atomic-file';
import { OamFileWatcher } from './oam-file.watcher';
import { OamService } from './oam.service';
import { CONFIG_FILE_PATH } from './oam.tokens';
import { ServiceStateService } from './service-state.service';

export interface OamModuleOptions {
  /** the YAML config file to re-read on reload; without it only the OAM file is reloaded. */
  configPath?: string;
}

/**
 * Service state for everyone (global). Imported as is it provides only
 * {@link ServiceStateService} (unit tests of other features); the gateway imports
 * `forRoot()`, which adds the OAM file, its watcher and the reload action.
 */
@Global()
@Module({ providers: [ServiceStateService], exports: [ServiceStateService] })
export class OamModule {
  static forRoot(options: OamModuleOptions = {}): DynamicModule {
    return {
      module: OamModule,
      imports: [SchedulerModule],
      providers: [
        OamService,
        OamFileWatcher,
        { provide: FileStore, useClass: FileStore },
        ...(options.configPath
          ? [{ provide: CONFIG_FILE_PATH, useValue: options.configPath }]
          : []),
      ],
      exports: [OamService],
    };
  }
}
