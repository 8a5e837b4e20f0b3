import { DynamicModule, Global, Module } from '@nestjs/common';
import { FileStore } from '../common/io/file-store';
import { SnapshotPoster } from './snapshot-poster';
import { StatisticsReporter } from './statistics-reporter.service';
import { StatisticsService } from './statistics.service';

/**
 * The counters for everyone (global). Imported as is it provides only
 * {@link StatisticsService} (unit tests of other features); the gateway imports
 * `forRoot()`, which adds persistence, restore and the snapshot POST.
 */
@Global()
@Module({ providers: [StatisticsService], exports: [StatisticsService] })
export class StatisticsModule {
  static forRoot(): DynamicModule {
    return {
      module: StatisticsModule,
      providers: [StatisticsReporter, SnapshotPoster, { provide: FileStore, useClass: FileStore }],
      exports: [StatisticsReporter],
    };
  }
}
