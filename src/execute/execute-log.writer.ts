import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigType } from '@nestjs/config';
import { loggingConfig } from '../config/config-namespaces';
import type { AppConfig, LoggingConfig } from '../config/config.schema';
import { LogFiles } from '../logging/log-files';

/** SUCCESS, TIMEOUT, DROPPED, or ERROR(<SIPSVC result>) (operations spec §4). */
export type ExecuteOutcome = 'SUCCESS' | 'TIMEOUT' | 'DROPPED' | `ERROR(${number})`;

/** Where execute log lines go; a file stream in production, an array in unit tests. */
export interface ExecuteLogSink {
  write(line: string): void;
  close(): Promise<void>;
}

/** Past this many buffered bytes (disk stalled) lines are dropped rather than piling up in memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Appends to `logging.execute-file` through one buffered WriteStream: no sync I/O per line. */
export class FileExecuteLogSink implements ExecuteLogSink {
  private readonly log = new Logger('ExecuteLog');
  private stream: WriteStream | null = null;
  private droppedLines = 0;

  constructor(readonly path: string) {}

  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.stream = await this.openStream();
  }

  /**
   * logrotate: lines already written finish in the old (renamed) file, later ones go to the
   * new one. If the new file cannot be opened the old stream stays in use.
   */
  async reopen(): Promise<void> {
    if (!this.stream) return;
    await mkdir(dirname(this.path), { recursive: true });
    const next = await this.openStream();
    const old = this.stream;
    if (!old) {
      next.end(); // closed meanwhile
      return;
    }
    this.stream = next;
    old.end();
  }

  private openStream(): Promise<WriteStream> {
    const stream = createWriteStream(this.path, { flags: 'a' });
    return new Promise((resolve, reject) => {
      stream.once('error', reject);
      stream.once('open', () => {
        stream.off('error', reject);
        stream.on('error', (err) => this.log.error(`Execute log ${this.path}: ${err.message}`));
        resolve(stream);
      });
    });
  }

  write(line: string): void {
    const s = this.stream;
    if (!s || s.destroyed) return;
    if (s.writableLength > MAX_BUFFERED_BYTES) {
      if (this.droppedLines++ === 0)
        this.log.warn(`Execute log ${this.path} is not keeping up: dropping lines`);
      return;
    }
    s.write(line);
  }

  close(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    if (!s || s.destroyed) return Promise.resolve();
    return new Promise((resolve) => s.end(resolve));
  }
}

/**
 * One line per finished execute, when `logging.execute-file` is set:
 * `<ISO time> SUCCESS | reqId: <reqNo> | apiName: <api> | server: <INSUPC name> | elapsed: 12ms`.
 * The file path is read at start-up; an empty key writes nothing and costs nothing per request.
 */
@Injectable()
export class ExecuteLogWriter implements OnModuleInit, OnApplicationShutdown {
  private sink: ExecuteLogSink | null = null;
  private injectedSink: ExecuteLogSink | null = null;

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'logging'>;

  constructor(
    @Inject(loggingConfig.KEY) logging: ConfigType<typeof loggingConfig>,
    @Optional() private readonly logFiles?: LogFiles,
  ) {
    this.config = { logging };
  }

  /** A writer onto `sink` instead of `logging.execute-file` (the seam for specs). */
  static onSink(logging: LoggingConfig, sink: ExecuteLogSink): ExecuteLogWriter {
    const writer = new ExecuteLogWriter(logging);
    writer.injectedSink = sink;
    return writer;
  }

  get enabled(): boolean {
    return this.sink !== null;
  }

  async onModuleInit(): Promise<void> {
    if (this.injectedSink) {
      this.sink = this.injectedSink;
      return;
    }
    const path = this.config.logging.executeFile;
    if (!path) return;
    const file = new FileExecuteLogSink(path);
    await file.open();
    this.sink = file;
    this.logFiles?.register(file);
  }

  record(
    outcome: ExecuteOutcome,
    reqNo: string,
    apiName: string,
    server: string,
    elapsedMs: number,
  ): void {
    if (!this.sink) return;
    this.sink.write(
      `${new Date().toISOString()} ${outcome} | reqId: ${reqNo} | apiName: ${apiName} | server: ${server} | elapsed: ${Math.round(elapsedMs)}ms\n`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const s = this.sink;
    this.sink = null;
    await s?.close();
  }
}
