import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminTokenGuard } from './admin-token.guard';
import { GatewayStateService } from './gateway-state.service';
import { StatController } from './stat.controller';
import { StateController } from './state.controller';
import { StatusController } from './status.controller';

/** The operator's HTTP API (operations spec section 3), guarded by `security.admin-token`. */
@Module({
  controllers: [StatusController, StateController, StatController],
  providers: [GatewayStateService, { provide: APP_GUARD, useClass: AdminTokenGuard }],
})
export class AdminModule {}
