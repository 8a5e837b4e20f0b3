import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SCHEDULER, ScheduledTask, Scheduler } from '../common/scheduler';
import { ConfigType } from '@nestjs/config';
import { oamConfig, insupcConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { FileStore } from '../common/io/file-store';
import { DrainedServers } from '../insupc/drained-servers';
import { applyDrainedFromFile } from './drained-from-file';
import { parseOamFile } from './oam-file';
import { OamService } from './oam.service';
import { ServiceStateService } from './service-state.service';

/** How often the OAM file is read; a change on disk applies within this (spec: 2 s). */
export const OAM_WATCH_INTERVAL_MS = 500;
export const OAM_WATCH_JOB = 'oam-file-watch';

/**
 * Applies changes made to the OAM file on disk (operations spec 6.1): a ConfigMap update,
 * an operator's edit, or another replica's state change or drain written to a shared volume
 * (the service state and `drainedServers`).
 *
 * It polls the file's text through the Scheduler instead of using inotify: Kubernetes
 * updates a ConfigMap volume by swapping a symlinked directory (a watch on the file never
 * fires) and shared network volumes deliver no events; one small async read every
 * {@link OAM_WATCH_INTERVAL_MS} costs nothing. Only a text different from the last one seen
 * counts as a change, so a state set through the API and written back is not applied twice,
 * and a state the API set whose write failed (read-only ConfigMap) is not undone.
 */
@Injectable()
export class OamFileWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Oam');
  private lastText: string | undefined;
  private lastReadError: string | undefined;
  private task: ScheduledTask | undefined;
  private checking = false;

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'oam' | 'insupc'>;

  constructor(
    @Inject(oamConfig.KEY) oamSection: ConfigType<typeof oamConfig>,
    @Inject(insupcConfig.KEY) insupc: ConfigType<typeof insupcConfig>,
    private readonly state: ServiceStateService,
    private readonly files: FileStore,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(OamService) private readonly oam: Pick<OamService, 'writeBacks'>,
    private readonly drained: DrainedServers,
  ) {
    this.config = { oam: oamSection, insupc };
  }

  private get path(): string {
    return this.config.oam.config.path;
  }

  /** The text OamService started from is the baseline: nothing is logged for it again. */
  async onApplicationBootstrap(): Promise<void> {
    this.lastText = await this.files.read(this.path).catch(() => undefined);
    this.task = this.scheduler.every(OAM_WATCH_JOB, OAM_WATCH_INTERVAL_MS, () => {
      void this.check();
    });
  }

  onApplicationShutdown(): void {
    this.task?.cancel();
    this.task = undefined;
  }

  /** One poll; overlapping polls (a slow disk) are skipped. Never throws. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.checkOnce();
    } finally {
      this.checking = false;
    }
  }

  private async checkOnce(): Promise<void> {
    let text: string | undefined;
    const changesBefore = this.state.changes;
    const writesBefore = this.oam.writeBacks.started;
    if (this.oam.writeBacks.pending > 0) return; // the disk is about to change under us
    try {
      text = await this.files.read(this.path);
      this.lastReadError = undefined;
    } catch (e) {
      const reason = (e as Error).message;
      if (reason !== this.lastReadError) {
        this.log.warn(`OAM file ${this.path} unreadable (${reason}); service state kept`);
      }
      this.lastReadError = reason;
      return;
    }
    if (text === this.lastText) return;
    // The API (or a reload) set the state, or wrote it back, while we read: this text may
    // predate that write. Look again at the next poll instead of undoing the newer state.
    if (this.state.changes !== changesBefore) return;
    if (this.oam.writeBacks.started !== writesBefore || this.oam.writeBacks.pending > 0) return;
    this.lastText = text;
    if (text === undefined) {
      this.log.warn(
        `OAM file ${this.path} removed on disk; service state ${this.state.state} kept`,
      );
      return;
    }
    let content;
    try {
      content = parseOamFile(this.path, text);
    } catch (e) {
      this.log.error(
        `${(e as Error).message}; change on disk ignored, service state ${this.state.state} kept`,
      );
      return;
    }
    const servers = new Set(this.config.insupc.clients.map((c) => c.name));
    applyDrainedFromFile(this.drained, servers, content.drained, this.log);
    const previous = this.state.state;
    const next = content.state;
    if (next === previous) return;
    this.state.set(next);
    this.log.log(`OAM state changed on disk: ${previous} -> ${next}`);
  }
}
