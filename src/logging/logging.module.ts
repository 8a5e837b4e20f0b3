import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, type LogLevel } from '../config/config.schema';
import { LogFiles } from './log-files';
import { createRootLogger } from './root-logger';

/** `logging.level` needs a restart, so the choice made at startup holds. */
function httpAccessLogged(level: LogLevel): boolean {
  return level === 'debug' || level === 'trace';
}

/**
 * Structured JSON logs through pino: one line per event, the operator's grep text in `msg`,
 * the Nest context (`SipsvcServer`, `InsupcConnection`, ...) in `context`. Nest's `Logger`
 * class writes through this once `app.useLogger(app.get(Logger))` has run. HTTP access lines
 * (pino-http, at debug) and the request binding of lines logged while serving an HTTP request
 * exist only when `logging.level` is debug or trace. Global {@link LogFiles}: every log file
 * registers there to be reopened on SIGHUP.
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
          // Below debug the access lines are dropped anyway, and the middleware's per-request
          // AsyncLocalStorage.run turns on promise hooks for the whole process (Node 20): the
          // SIPSVC path then pays ≈ 24 % more CPU per execute (docs/benchmark.md).
          forRoutes: httpAccessLogged(config.logging.level) ? undefined : [],
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
