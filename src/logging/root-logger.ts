import pino, { Logger } from 'pino';
import { LoggingConfig } from '../config/config.schema';

/** stdout always; also `logging.file` when set (asynchronous writes, directory created). */
export function createRootLogger(cfg: Pick<LoggingConfig, 'level' | 'file'>): Logger {
  const options = {
    level: cfg.level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (!cfg.file) return pino(options, pino.destination({ dest: 1, sync: false }));
  return pino(
    options,
    pino.multistream([
      {
        level: cfg.level === 'silent' ? 'fatal' : cfg.level,
        stream: pino.destination({ dest: 1, sync: false }),
      },
      {
        level: cfg.level === 'silent' ? 'fatal' : cfg.level,
        stream: pino.destination({ dest: cfg.file, sync: false, mkdir: true }),
      },
    ]),
  );
}
