import { ScheduledTask, Scheduler } from '../common/scheduler';

/**
 * The one plan in flight for a managed connection: at most one timer, and a generation that
 * voids the async steps of a plan once a newer one replaced it (a stale initiate answer,
 * probe result or timer then does nothing).
 */
export class PlanSlot {
  private generation = 0;
  private timer?: ScheduledTask;

  constructor(private readonly scheduler: Scheduler) {}

  /** true while no newer plan replaced the one running when this was taken. */
  token(): () => boolean {
    const g = this.generation;
    return () => g === this.generation;
  }

  /** Voids the timer and every step of the running plan. */
  replace(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.generation++;
  }

  /** A new plan: `fn` after `delayMs` (0: now). */
  later(delayMs: number, fn: () => void): void {
    this.replace();
    this.after(delayMs, fn);
  }

  /** Within the running plan: `fn` after `delayMs` instead of the pending timer, if any. */
  after(delayMs: number, fn: () => void): void {
    this.timer?.cancel();
    const valid = this.token();
    const run = () => valid() && fn();
    if (delayMs > 0) this.timer = this.scheduler.after(delayMs, run);
    else run();
  }
}
