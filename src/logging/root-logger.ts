import pino, { Logger } from 'pino';
import { LoggingConfig } from '../config/config.schema';
import type { ReopenableLogFile } from './log-files';

export interface RootLogger {
  logger: Logger;
  /** `logging.file`, when set. */
  file: ReopenableLogFile | null;
}

/** stdout always; also `logging.file` when set (asynchronous writes, directory created). */
export function createRootLogger(cfg: Pick<LoggingConfig, 'level' | 'file'>): RootLogger {
  const options = {
    level: cfg.level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (!cfg.file)
    return { logger: pino(options, pino.destination({ dest: 1, sync: false })), file: null };
  const path = cfg.file;
  const fileStream = pino.destination({ dest: path, sync: false, mkdir: true });
  const logger = pino(
    options,
    pino.multistream([
      {
        level: cfg.level === 'silent' ? 'fatal' : cfg.level,
        stream: pino.destination({ dest: 1, sync: false }),
      },
      { level: cfg.level === 'silent' ? 'fatal' : cfg.level, stream: fileStream },
    ]),
  );
  // sonic-boom finishes a write in progress on the old descriptor, then opens the path anew.
  return { logger, file: { path, reopen: () => fileStream.reopen() } };
}
