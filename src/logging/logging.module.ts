import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { createRootLogger } from './root-logger';
import { AppConfig } from '../config/config.schema';

/**
 * Structured JSON logs through pino: one line per event, the operator's grep text in `msg`,
 * the Nest context (`SipsvcServer`, `InsupcConnection`, ...) in `context`. Nest's `Logger`
 * class writes through this once `app.useLogger(app.get(Logger))` has run.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: createRootLogger(config.logging),
            // HTTP access lines would be per-request INFO noise; keep them at debug.
            customLogLevel: () => 'debug',
            quietReqLogger: true,
          },
        }),
      ],
    };
  }
}
