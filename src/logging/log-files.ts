import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/** A log file that can be closed and opened again under its configured path. */
export interface ReopenableLogFile {
  readonly path: string;
  reopen(): void | Promise<void>;
}

/**
 * The log files this gateway writes (`logging.file`, `logging.execute-file`), reopened on
 * SIGHUP for logrotate's `postrotate` (operations spec §6.4). Each file finishes the lines
 * already handed to it in the old (renamed) file and writes every later line to the new
 * one, so no line is lost or written twice across a reopen.
 */
@Injectable()
export class LogFiles implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('LogFiles');
  private readonly files: ReopenableLogFile[] = [];

  register(file: ReopenableLogFile): void {
    this.files.push(file);
  }

  async reopenAll(reason = 'SIGHUP'): Promise<void> {
    const results = await Promise.allSettled(this.files.map((f) => f.reopen()));
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        this.log.error(`Reopening log file ${this.files[i].path} failed: ${String(r.reason)}`);
    });
    if (this.files.length > 0)
      this.log.log(`Log files reopened (${reason}): ${this.files.map((f) => f.path).join(', ')}`);
  }

  onApplicationBootstrap(): void {
    process.on('SIGHUP', this.onSighup);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSighup);
  }

  private readonly onSighup = (): void => {
    void this.reopenAll();
  };
}
