import { ScheduledTask, Scheduler } from '../scheduler';

interface Entry {
  due: number;
  period: number; // 0 = one-shot
  task: () => void;
  seq: number;
  cancelled: boolean;
}

/**
 * Fake time for unit specs: nothing runs until `advance(ms)`, which fires every due task in
 * time order (tasks scheduled while advancing run too when they fall inside the window).
 */
export class FakeScheduler implements Scheduler {
  private t = 0;
  private seq = 0;
  private readonly entries: Entry[] = [];
  private readonly named = new Map<string, Entry>();

  now(): number {
    return this.t;
  }

  every(name: string, periodMs: number, task: () => void): ScheduledTask {
    const previous = this.named.get(name);
    if (previous) previous.cancelled = true;
    const e = this.add(periodMs, periodMs, task);
    this.named.set(name, e);
    return this.handle(e);
  }

  repeat(periodMs: number, task: () => void): ScheduledTask {
    return this.handle(this.add(periodMs, periodMs, task));
  }

  after(delayMs: number, task: () => void): ScheduledTask {
    return this.handle(this.add(delayMs, 0, task));
  }

  /** names of the live named jobs (what SchedulerRegistry would list) */
  jobNames(): string[] {
    return [...this.named].filter(([, e]) => !e.cancelled).map(([n]) => n);
  }

  /** period of a live named job, or undefined */
  periodOf(name: string): number | undefined {
    const e = this.named.get(name);
    return e && !e.cancelled ? e.period : undefined;
  }

  /** number of live timers of any kind */
  pending(): number {
    return this.entries.filter((e) => !e.cancelled).length;
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.t = next.due;
      if (next.period > 0) next.due += next.period;
      else next.cancelled = true;
      next.task();
    }
    this.t = end;
    this.compact();
  }

  private add(delay: number, period: number, task: () => void): Entry {
    const e: Entry = {
      due: this.t + Math.max(delay, 1),
      period: period > 0 ? Math.max(period, 1) : 0,
      task,
      seq: this.seq++,
      cancelled: false,
    };
    this.entries.push(e);
    return e;
  }

  private handle(e: Entry): ScheduledTask {
    return { cancel: () => void (e.cancelled = true) };
  }

  private nextDue(end: number): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.entries) {
      if (e.cancelled || e.due > end) continue;
      if (!best || e.due < best.due || (e.due === best.due && e.seq < best.seq)) best = e;
    }
    return best;
  }

  private compact(): void {
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (this.entries[i].cancelled) this.entries.splice(i, 1);
  }
}
