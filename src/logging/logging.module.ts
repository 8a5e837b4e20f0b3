import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/config.schema';
import { LogFiles } from './log-files';
import { createRootLogger } from './root-logger';

/**
 * Structured JSON logs through pino: one line per event, the operator's grep text in `msg`,
 * the Nest context (`SipsvcServer`, `InsupcConnection`, ...) in `context`. Nest's `Logger`
 * class writes through this once `app.useLogger(app.get(Logger))` has run. Global
 * {@link LogFiles}: every log file registers there to be reopened on SIGHUP.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    const root = createRootLogger(config.logging);
    return {
      module: LoggingModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: root.logger,
            // HTTP access lines would be per-request INFO noise; keep them at debug.
            customLogLevel: () => 'debug',
            quietReqLogger: true,
          },
        }),
      ],
      providers: [
        {
          provide: LogFiles,
          useFactory: () => {
            const files = new LogFiles();
            if (root.file) files.register(root.file);
            return files;
          },
        },
      ],
      exports: [LogFiles],
    };
  }
}
