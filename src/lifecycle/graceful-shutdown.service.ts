import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SCHEDULER, ScheduledTask, Scheduler } from '../common/scheduler';
import {
  INSUPC_STATE,
  InsupcShutdownPort,
  SESSION_STATE,
  SessionShutdownPort,
  SIPSVC_STATE,
  SipsvcShutdownPort,
} from '../contracts/state-sources';
import { ConfigType } from '@nestjs/config';
import { applicationConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { StatisticsReporter } from '../statistics/statistics-reporter.service';

/** What shutdown asks of the statistics: the last snapshot. */
export type FinalSnapshotWriter = Pick<StatisticsReporter, 'writeFinalSnapshot'>;

/**
 * The graceful shutdown sequence, in one place:
 * 1. stop accepting SIPSVC connections (existing ones stay to receive their answers),
 * 2. refuse new executes with a clear error,
 * 3. wait for in-flight requests, at most `application.shutdown.drain-timeout`,
 * 4. release INSUPC (DB_RELEASE_REQUEST on every connection),
 * 5. write the final statistics snapshot.
 * The caller then closes the Nest application. A step that fails is logged and the
 * sequence goes on: shutdown must finish.
 */
@Injectable()
export class GracefulShutdown {
  private readonly log = new Logger('Shutdown');
  private running: Promise<void> | undefined;

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'application'>;

  constructor(
    @Inject(applicationConfig.KEY) application: ConfigType<typeof applicationConfig>,
    @Inject(StatisticsReporter) private readonly reporter: FinalSnapshotWriter,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Optional() @Inject(SIPSVC_STATE) private readonly sipsvc?: SipsvcShutdownPort,
    @Optional() @Inject(SESSION_STATE) private readonly sessions?: SessionShutdownPort,
    @Optional() @Inject(INSUPC_STATE) private readonly insupc?: InsupcShutdownPort,
  ) {
    this.config = { application };
  }

  /** Runs the sequence once; later calls get the same promise. */
  run(reason: string): Promise<void> {
    this.running ??= this.sequence(reason);
    return this.running;
  }

  private async sequence(reason: string): Promise<void> {
    const drainTimeout = this.config.application.shutdown.drainTimeout;
    this.log.log(`Graceful shutdown started (${reason}), drain timeout ${drainTimeout}ms`);
    await this.step('stop accepting SIPSVC connections', () => this.sipsvc?.stopAccepting());
    await this.step('refuse new executes', () => this.sessions?.refuseNew());
    await this.step('drain in-flight requests', () => this.drain(drainTimeout));
    await this.step('release INSUPC connections', () => this.insupc?.release());
    await this.step('write final statistics', () => this.reporter.writeFinalSnapshot());
    this.log.log('Graceful shutdown complete');
  }

  private async drain(timeoutMs: number): Promise<void> {
    if (!this.sessions) return;
    const before = this.sessions.messageMappingSize();
    if (before === 0) return;
    this.log.log(`Waiting for ${before} in-flight requests`);
    let timer: ScheduledTask | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = this.scheduler.after(timeoutMs, () => resolve(true));
    });
    try {
      const expired = await Promise.race([this.sessions.drained().then(() => false), timedOut]);
      if (expired) {
        this.log.warn(
          `Drain timeout after ${timeoutMs}ms: ${this.sessions.messageMappingSize()} requests still in flight`,
        );
      }
    } finally {
      timer?.cancel();
    }
  }

  private async step(name: string, action: () => unknown): Promise<void> {
    try {
      await action();
    } catch (e) {
      this.log.error(`Shutdown step "${name}" failed: ${(e as Error).message}`);
    }
  }
}
