import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';
import { ConsolePage } from './console-page';

/**
 * The operator console (operations spec section 9). It reads nothing itself: the page calls
 * the admin API (/state, /insupclient/v1/status, /segw, /metrics) under the admin guard.
 */
@Module({
  controllers: [ConsoleController],
  providers: [{ provide: ConsolePage, useFactory: () => new ConsolePage() }],
})
export class ConsoleModule {}
