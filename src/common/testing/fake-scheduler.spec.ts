import { FakeScheduler } from './fake-scheduler';

describe('FakeScheduler', () => {
  it('fires one-shot and periodic tasks in time order, only when time is advanced', () => {
    const s = new FakeScheduler();
    const seen: string[] = [];
    s.after(30, () => seen.push(`after@${s.now()}`));
    s.repeat(20, () => seen.push(`repeat@${s.now()}`));
    expect(seen).toEqual([]);
    s.advance(60);
    expect(seen).toEqual(['repeat@20', 'after@30', 'repeat@40', 'repeat@60']);
    expect(s.now()).toBe(60);
  });

  it('a named job scheduled again replaces the previous one; cancel stops it', () => {
    const s = new FakeScheduler();
    let a = 0;
    let b = 0;
    s.every('sweep', 100, () => a++);
    const h = s.every('sweep', 10, () => b++);
    s.advance(100);
    expect([a, b]).toEqual([0, 10]);
    expect(s.periodOf('sweep')).toBe(10);
    h.cancel();
    s.advance(100);
    expect(b).toBe(10);
    expect(s.jobNames()).toEqual([]);
  });

  it('runs tasks scheduled by tasks inside the advanced window', () => {
    const s = new FakeScheduler();
    const seen: number[] = [];
    s.after(10, () => s.after(5, () => seen.push(s.now())));
    s.advance(20);
    expect(seen).toEqual([15]);
  });
});
