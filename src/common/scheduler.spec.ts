import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { NestScheduler } from './scheduler';

/** NestScheduler on jest's fake timers: a throwing task is logged, never thrown out of a timer. */
describe('NestScheduler', () => {
  let scheduler: NestScheduler;
  let errors: jest.SpyInstance;

  beforeEach(() => {
    jest.useFakeTimers();
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    scheduler = new NestScheduler(new SchedulerRegistry());
  });

  afterEach(() => {
    scheduler.onApplicationShutdown();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const boom = (runs: { n: number }) => () => {
    runs.n++;
    throw new Error('boom');
  };

  it.each([
    ['every', (s: NestScheduler, task: () => void) => s.every('job', 100, task), 'job'],
    ['repeat', (s: NestScheduler, task: () => void) => s.repeat(100, task), 'repeat'],
  ])('%s: a throwing task is logged and its interval goes on', (_kind, start, name) => {
    const runs = { n: 0 };
    start(scheduler, boom(runs));
    expect(() => jest.advanceTimersByTime(350)).not.toThrow();
    expect(runs.n).toBe(3);
    expect(errors).toHaveBeenCalledTimes(3);
    expect(errors).toHaveBeenLastCalledWith(`scheduled task '${name}' failed: Error: boom`);
  });

  it('after: a throwing task is logged, not thrown out of the timer', () => {
    const runs = { n: 0 };
    scheduler.after(100, boom(runs));
    expect(() => jest.advanceTimersByTime(200)).not.toThrow();
    expect(runs.n).toBe(1);
    expect(errors).toHaveBeenCalledWith("scheduled task 'after' failed: Error: boom");
  });

  it('cancel stops a repeat and an after', () => {
    const runs = { n: 0 };
    const task = () => void runs.n++;
    scheduler.repeat(100, task).cancel();
    scheduler.after(100, task).cancel();
    jest.advanceTimersByTime(500);
    expect(runs.n).toBe(0);
  });
});
