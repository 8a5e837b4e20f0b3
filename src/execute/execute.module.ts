import { Global, Module } from '@nestjs/common';
import { SESSION_STATE } from '../common/state-sources';
import { ExecuteLogWriter } from './execute-log.writer';
import { ExecuteController } from './execute.controller';
import { ExecuteService } from './execute.service';

/**
 * The execute pipeline and load control. Needs INSUPC_QUERY (InsupcModule) and the global
 * config, statistics, OAM state; provides SESSION_STATE for /state, health and shutdown.
 */
@Global()
@Module({
  controllers: [ExecuteController],
  providers: [
    ExecuteLogWriter,
    ExecuteService,
    { provide: SESSION_STATE, useExisting: ExecuteService },
  ],
  exports: [SESSION_STATE, ExecuteService],
})
export class ExecuteModule {}
