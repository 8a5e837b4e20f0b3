import { Module } from '@nestjs/common';
import { FileStore } from '../common/io/file-store';
import { SchedulerModule } from '../common/scheduler.module';
import { DrainedServersModule } from '../insupc/drained-servers.module';
import { OamFileWatcher } from './oam-file.watcher';
import { OamService } from './oam.service';
import { ServiceStateModule } from './service-state.module';

/**
 * The OAM state file, its watcher (§6.1: a change on disk applies without a reload call) and
 * the operator actions on it (block/unblock, drain/enable an INSUPC server, reload). Re-reading the YAML config on reload
 * needs CONFIG_FILE_PATH (given to AppConfigModule.forRoot).
 */
@Module({
  imports: [ServiceStateModule, SchedulerModule, DrainedServersModule],
  providers: [OamService, OamFileWatcher, FileStore],
  exports: [OamService, ServiceStateModule],
})
export class OamModule {}
