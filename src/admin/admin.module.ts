import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { ExecuteModule } from '../execute/execute.module';
import { InsupcModule } from '../insupc/insupc.module';
import { OamModule } from '../oam/oam.module';
import { SipsvcModule } from '../sipsvc/sipsvc.module';
import { StatisticsModule } from '../statistics/statistics.module';
import { AdminTokenMiddleware } from './admin-token.middleware';
import { GatewayStateService } from './gateway-state.service';
import { InsupcServersController } from './insupc-servers.controller';
import { StatController } from './stat.controller';
import { StateController } from './state.controller';
import { StatusController } from './status.controller';

/** The operator's HTTP API (operations spec section 3), guarded by `security.admin-token`. */
@Module({
  imports: [OamModule, StatisticsModule, SipsvcModule, InsupcModule, ExecuteModule],
  controllers: [StatusController, StateController, StatController, InsupcServersController],
  providers: [GatewayStateService],
})
export class AdminModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(AdminTokenMiddleware)
      // the console page asks this guard itself and shows its refusal as the page (src/console)
      .exclude({ path: 'console', method: RequestMethod.GET })
      .forRoutes({ path: '*splat', method: RequestMethod.ALL });
  }
}
