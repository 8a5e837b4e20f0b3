import type { AppConfig } from '../config/config.schema';
import { LoadLevel, LoadSample, percent } from './load-level';
import { LoadMonitor } from './load-monitor';

/** What the load sample reads from the pipeline. */
export interface LoadGauges {
  workerQueueSize(): number;
  sessionCount(): number;
}

/**
 * Once a second (a scheduled job of the execute service): TPS, worker queue and session
 * utilisation → load level. Counts the executes offered between samples (refused included).
 */
export class LoadSampler {
  private readonly monitor = new LoadMonitor();
  private offered = 0;

  constructor(
    private readonly config: Pick<AppConfig, 'tps' | 'worker' | 'message'>,
    private readonly gauges: LoadGauges,
  ) {}

  get level(): LoadLevel {
    return this.monitor.level;
  }

  get sample(): LoadSample {
    return this.monitor.sample;
  }

  offer(): void {
    this.offered++;
  }

  readonly sampleNow = (): void => {
    const cfg = this.config;
    const perSecond = (cfg.tps.maxTps * 1000) / cfg.tps.windowSize;
    const offered = this.offered;
    this.offered = 0;
    this.monitor.update({
      tpsPct: percent(offered, perSecond),
      queuePct: percent(this.gauges.workerQueueSize(), cfg.worker.queueCapacity),
      sessionPct: percent(this.gauges.sessionCount(), cfg.message.maxSessions),
    });
  };
}
