import { InsupcRecvQueue, SLICE_PER_THREAD } from './insupc-recv-queue';

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe('InsupcRecvQueue', () => {
  it('delivers in order on a later turn, not synchronously', async () => {
    const got: number[] = [];
    const q = new InsupcRecvQueue<number>(10, 1, (n) => got.push(n));
    expect(q.offer(1)).toBe(true);
    expect(q.offer(2)).toBe(true);
    expect(got).toEqual([]);
    expect(q.size()).toBe(2);
    await nextTurn();
    expect(got).toEqual([1, 2]);
    expect(q.size()).toBe(0);
  });

  it('refuses when full (capacity counts undelivered answers)', async () => {
    const got: number[] = [];
    const q = new InsupcRecvQueue<number>(3, 1, (n) => got.push(n));
    expect([1, 2, 3, 4].map((n) => q.offer(n))).toEqual([true, true, true, false]);
    await nextTurn();
    expect(got).toEqual([1, 2, 3]);
    expect(q.offer(5)).toBe(true); // room again, ring wraps
    await nextTurn();
    expect(got).toEqual([1, 2, 3, 5]);
  });

  it('drains a backlog in slices of threadCount × SLICE_PER_THREAD', async () => {
    const got: number[] = [];
    const total = SLICE_PER_THREAD * 2 + 5;
    const q = new InsupcRecvQueue<number>(total, 1, (n) => got.push(n));
    for (let i = 0; i < total; i++) q.offer(i);
    await nextTurn();
    expect(got.length).toBe(SLICE_PER_THREAD);
    await nextTurn();
    await nextTurn();
    expect(got.length).toBe(total);
    expect(got[total - 1]).toBe(total - 1);
  });

  it('stop() delivers what is queued and refuses later offers', () => {
    const got: number[] = [];
    const q = new InsupcRecvQueue<number>(5, 2, (n) => got.push(n));
    q.offer(1);
    q.offer(2);
    q.stop();
    expect(got).toEqual([1, 2]);
    expect(q.offer(3)).toBe(false);
  });

  it('a throwing delivery is reported and the drain goes on', async () => {
    const got: number[] = [];
    const errors: unknown[] = [];
    const q = new InsupcRecvQueue<number>(
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
