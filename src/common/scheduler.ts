import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/** A scheduled piece of work; cancel() is idempotent. */
export interface ScheduledTask {
  cancel(): void;
}

/**
 * The one seam for time in the gateway: every timer (service jobs and per-connection timers)
 * goes through it, so unit specs run timer semantics on fake time (`FakeScheduler`) and
 * shutdown stops whatever is left.
 *
 * - `every(name, ...)` is a service-level job: a named entry of @nestjs/schedule's
 *   SchedulerRegistry (visible to anyone who injects the registry). Names are unique; scheduling
 *   the same name again replaces the previous job (how a hot-reloaded period takes effect).
 * - `after` / `repeat` are anonymous per-connection timers: cheap, not registered.
 * All timers are unref'd: they never keep the process alive on their own. A task that throws
 * is logged (`scheduled task '<name|repeat|after>' failed: ...`); an interval goes on.
 */
export interface Scheduler {
  /** monotonic milliseconds */
  now(): number;
  every(name: string, periodMs: number, task: () => void): ScheduledTask;
  repeat(periodMs: number, task: () => void): ScheduledTask;
  after(delayMs: number, task: () => void): ScheduledTask;
}

export const SCHEDULER = Symbol('SCHEDULER');

/** Node's timers cap delays at 2^31-1 ms; longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const clampDelay = (ms: number): number => Math.min(Math.max(ms, 1), MAX_TIMER_MS);

/** Production scheduler: Node timers, named jobs registered in SchedulerRegistry. */
@Injectable()
export class NestScheduler implements Scheduler, OnApplicationShutdown {
  private readonly log = new Logger('Scheduler');
  private readonly anonymous = new Set<NodeJS.Timeout>();

  constructor(private readonly registry: SchedulerRegistry) {}

  now(): number {
    return performance.now();
  }

  every(name: string, periodMs: number, task: () => void): ScheduledTask {
    if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    const id = setInterval(() => this.run(name, task), clampDelay(periodMs));
    id.unref();
    this.registry.addInterval(name, id);
    return {
      cancel: () => {
        // only remove the registry entry if it is still ours (a replacement may own the name)
        if (this.registry.doesExist('interval', name) && this.registry.getInterval(name) === id) {
          this.registry.deleteInterval(name);
        } else {
          clearInterval(id);
        }
      },
    };
  }

  repeat(periodMs: number, task: () => void): ScheduledTask {
    const id = setInterval(() => this.run('repeat', task), clampDelay(periodMs));
    id.unref();
    this.anonymous.add(id);
    return {
      cancel: () => {
        clearInterval(id);
        this.anonymous.delete(id);
      },
    };
  }

  after(delayMs: number, task: () => void): ScheduledTask {
    const id = setTimeout(() => {
      this.anonymous.delete(id);
      this.run('after', task);
    }, clampDelay(delayMs));
    id.unref();
    this.anonymous.add(id);
    return {
      cancel: () => {
        clearTimeout(id);
        this.anonymous.delete(id);
      },
    };
  }

  /** A throwing task (a job, a repeat or an after) must not kill the process nor stop its interval. */
  private run(name: string, task: () => void): void {
    try {
      task();
    } catch (err) {
      this.log.error(`scheduled task '${name}' failed: ${String(err)}`);
    }
  }

  onApplicationShutdown(): void {
    for (const id of this.anonymous) clearTimeout(id);
    this.anonymous.clear();
    for (const name of this.registry.getIntervals()) this.registry.deleteInterval(name);
  }
}
