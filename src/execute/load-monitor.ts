import { Logger } from '@nestjs/common';
import { evaluateLoad, LoadLevel, LoadSample } from './load-level';

/**
 * Holds the current load level and logs each change (seed: "1초 주기 모니터링"). Fed once a
 * second by the execute service with a fresh sample; holds no timer itself.
 */
export class LoadMonitor {
  private readonly log = new Logger('LoadMonitor');
  level: LoadLevel = 'Normal';
  sample: LoadSample = { tpsPct: 0, queuePct: 0, sessionPct: 0 };

  update(sample: LoadSample): LoadLevel {
    this.sample = sample;
    const next = evaluateLoad(sample);
    if (next !== this.level) {
      const line = `Load level changed: ${this.level} -> ${next} (tps: ${sample.tpsPct}%, queue: ${sample.queuePct}%, sessions: ${sample.sessionPct}%)`;
      if (next === 'Normal') this.log.log(line);
      else this.log.warn(line);
      this.level = next;
    }
    return next;
  }
}
