import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { errorText } from '../common/error-text';
import { ScheduledTask, Scheduler, SCHEDULER } from '../common/scheduler';
import { ConfigType } from '@nestjs/config';
import { applicationConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { FileStore } from '../common/io/file-store';
import { cleanLeftoverTemps } from '../common/io/leftover-temps';
import { SnapshotPoster } from './snapshot-poster';
import { StatisticsService, StatisticsSnapshot } from './statistics.service';

/** beside the stat file: the counters as they were before the last /stat/init. */
export const PREVIOUS_SUFFIX = '.prev';

/** What `<stat-file>.prev` holds. */
export interface PreviousStatistics {
  /** ISO-8601: when the counters were reset (the end of the period they cover) */
  savedAt: string;
  snapshot: StatisticsSnapshot;
}

/** A snapshot POST never waits longer than this (nor longer than the interval). */
const MAX_POST_TIMEOUT_MS = 5000;

/**
 * Makes the statistics outlive the process (operations spec section 4): restores the
 * counters from `stat-file` at start-up, writes a snapshot there every
 * `state-server.interval` (atomically) and POSTs it to `state-server.url` when set, and
 * writes a final snapshot on shutdown. An empty `stat-file` turns persistence off.
 * Failures are logged and never stop the gateway.
 */
@Injectable()
export class StatisticsReporter implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Statistics');
  private timer: ScheduledTask | undefined;
  private ticking = false;
  private finalWritten = false;

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'application'>;

  constructor(
    @Inject(applicationConfig.KEY) application: ConfigType<typeof applicationConfig>,
    private readonly stats: StatisticsService,
    private readonly files: FileStore,
    private readonly poster: SnapshotPoster,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
  ) {
    this.config = { application };
  }

  private get statFile(): string {
    return this.config.application.stateServer.statFile;
  }

  async onModuleInit(): Promise<void> {
    if (!this.statFile) return;
    await cleanLeftoverTemps(this.files, this.statFile, this.log);
    await cleanLeftoverTemps(this.files, this.statFile + PREVIOUS_SUFFIX, this.log);
    let text: string | undefined;
    try {
      text = await this.files.read(this.statFile);
    } catch (e) {
      this.log.warn(
        `Statistics file ${this.statFile} unreadable, starting from zero: ${errorText(e)}`,
      );
      return;
    }
    if (text === undefined) {
      this.log.log(`No statistics file at ${this.statFile}, starting from zero`);
      return;
    }
    let saved: unknown;
    try {
      saved = JSON.parse(text);
    } catch (e) {
      this.log.warn(
        `Statistics file ${this.statFile} is not JSON, starting from zero: ${errorText(e)}`,
      );
      return;
    }
    const servers = this.stats.restore(saved);
    this.log.log(`Statistics restored from ${this.statFile} (${servers} INSUPC servers)`);
  }

  onApplicationBootstrap(): void {
    const interval = this.config.application.stateServer.interval;
    this.timer = this.scheduler.every('statistics-snapshot', interval, () => void this.tick());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopTimer();
    await this.writeFinalSnapshot();
  }

  /** One periodic report: persist, then POST when a url is set. Never overlaps itself. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const body = JSON.stringify(this.stats.snapshot(this.config.application.systemName));
      await this.persist(body);
      const url = this.config.application.stateServer.url;
      if (url) await this.postTo(url, body);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Zeroes the counters and the stat file (POST /stat/init). The counters as they were are
   * kept first in `<stat-file>.prev` with the time of the reset, as the original backs them
   * up before an init; each reset replaces the previous backup.
   */
  async reset(): Promise<void> {
    const systemName = this.config.application.systemName;
    const now = new Date();
    const previous: PreviousStatistics = {
      savedAt: now.toISOString(),
      snapshot: this.stats.snapshot(systemName, now),
    };
    this.stats.reset();
    this.log.log('Statistics counters reset');
    if (!this.statFile) return;
    const backup = this.statFile + PREVIOUS_SUFFIX;
    await Promise.all([
      this.write(backup, JSON.stringify(previous)),
      this.persist(JSON.stringify(this.stats.snapshot(systemName))),
    ]);
    this.log.log(`Statistics before the reset saved to ${backup}`);
  }

  /** The shutdown snapshot; written once however shutdown was reached. */
  async writeFinalSnapshot(): Promise<void> {
    if (this.finalWritten) return;
    this.finalWritten = true;
    this.stopTimer();
    await this.persist(JSON.stringify(this.stats.snapshot(this.config.application.systemName)));
    if (this.statFile) this.log.log(`Final statistics snapshot written to ${this.statFile}`);
  }

  private stopTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /**
   * Writes reach the disk in the order the snapshots were taken (FileStore serialises writes
   * per file), so a slow periodic write can never land after /stat/init's or the final one.
   * Never rejects (failures are logged).
   */
  private persist(body: string): Promise<void> {
    if (!this.statFile) return Promise.resolve();
    return this.write(this.statFile, body);
  }

  private async write(path: string, body: string): Promise<void> {
    try {
      await this.files.writeAtomic(path, body);
    } catch (e) {
      this.log.error(`Statistics snapshot not written to ${path}: ${errorText(e)}`);
    }
  }

  private async postTo(url: string, body: string): Promise<void> {
    const timeout = Math.min(MAX_POST_TIMEOUT_MS, this.config.application.stateServer.interval);
    try {
      await this.poster.post(url, body, timeout);
    } catch (e) {
      this.log.warn(`Statistics snapshot POST to ${url} failed: ${errorText(e)}`);
    }
  }
}
