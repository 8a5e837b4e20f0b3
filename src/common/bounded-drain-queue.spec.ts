import { BoundedDrainQueue, PER_THREAD_PER_TURN } from './bounded-drain-queue';

const nextTurn = () => new Promise<void>((r) => setImmediate(r));
const fail = (e: unknown): never => {
  throw e;
};

describe('BoundedDrainQueue', () => {
  it('delivers in order on a later turn, not synchronously', async () => {
    const got: number[] = [];
    const q = new BoundedDrainQueue<number>(10, 1, (n) => got.push(n), fail);
    expect(q.offer(1)).toBe(true);
    expect(q.offer(2)).toBe(true);
    expect(got).toEqual([]);
    expect(q.size).toBe(2);
    await nextTurn();
    expect(got).toEqual([1, 2]);
    expect(q.size).toBe(0);
  });

  it('refuses when full (capacity counts undelivered answers)', async () => {
    const got: number[] = [];
    const q = new BoundedDrainQueue<number>(3, 1, (n) => got.push(n), fail);
    expect([1, 2, 3, 4].map((n) => q.offer(n))).toEqual([true, true, true, false]);
    await nextTurn();
    expect(got).toEqual([1, 2, 3]);
    expect(q.offer(5)).toBe(true); // room again, ring wraps
    await nextTurn();
    expect(got).toEqual([1, 2, 3, 5]);
  });

  it('drains a backlog in slices of threadCount × PER_THREAD_PER_TURN', async () => {
    const got: number[] = [];
    const total = PER_THREAD_PER_TURN * 2 + 5;
    const q = new BoundedDrainQueue<number>(total, 1, (n) => got.push(n), fail);
    for (let i = 0; i < total; i++) q.offer(i);
    await nextTurn();
    expect(got.length).toBe(PER_THREAD_PER_TURN);
    await nextTurn();
    await nextTurn();
    expect(got.length).toBe(total);
    expect(got[total - 1]).toBe(total - 1);
  });

  it('stop(true) delivers what is queued now and refuses later offers', () => {
    const got: number[] = [];
    const q = new BoundedDrainQueue<number>(5, 2, (n) => got.push(n), fail);
    q.offer(1);
    q.offer(2);
    q.stop(true);
    expect(got).toEqual([1, 2]);
    expect(q.offer(3)).toBe(false);
  });

  it('stop(false) drops what is queued and refuses later offers', async () => {
    const got: number[] = [];
    const q = new BoundedDrainQueue<number>(10, 1, (n) => got.push(n), fail);
    q.offer(1);
    q.stop(false);
    expect(q.offer(2)).toBe(false);
    await nextTurn();
    expect(got).toEqual([]);
    expect(q.size).toBe(0);
  });

  it('a throwing delivery is reported and the drain goes on', async () => {
    const got: number[] = [];
    const errors: unknown[] = [];
    const q = new BoundedDrainQueue<number>(
      5,
      1,
      (n) => {
        if (n === 2) throw new Error('bad answer');
        got.push(n);
      },
      (e) => errors.push(e),
    );
    [1, 2, 3].forEach((n) => q.offer(n));
    await nextTurn();
    expect(got).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
  });
});
