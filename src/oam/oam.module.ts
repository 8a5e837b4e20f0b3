import { Module } from '@nestjs/common';
import { FileStore } from '../common/io/file-store';
import { OamService } from './oam.service';
import { ServiceStateModule } from './service-state.module';

/**
 * The OAM state file and the operator actions on it (block/unblock, reload). Re-reading the
 * YAML config on reload needs CONFIG_FILE_PATH (given to AppConfigModule.forRoot).
 */
@Module({
  imports: [ServiceStateModule],
  providers: [OamService, FileStore],
  exports: [OamService, ServiceStateModule],
})
export class OamModule {}
