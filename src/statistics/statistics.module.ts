import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FileStore } from '../common/io/file-store';
import { SchedulerModule } from '../common/scheduler.module';
import { COUNTER_SETS, DiscoveredCounterSets } from './counter-sets';
import { SnapshotPoster } from './snapshot-poster';
import { StatisticsReporter } from './statistics-reporter.service';
import { StatisticsService } from './statistics.service';

/**
 * Statistics composed from the counter sets the features register (`@Counters()`), with
 * persistence, restore at start and the snapshot POST. Features do not import it.
 */
@Module({
  imports: [DiscoveryModule, SchedulerModule],
  providers: [
    DiscoveredCounterSets,
    { provide: COUNTER_SETS, useExisting: DiscoveredCounterSets },
    StatisticsService,
    StatisticsReporter,
    SnapshotPoster,
    FileStore,
  ],
  exports: [StatisticsService, StatisticsReporter],
})
export class StatisticsModule {}
