import { DISPATCH_PER_CONSUMER, SipsvcRecvQueue } from './sipsvc-recv-queue';

function nextTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

describe('SipsvcRecvQueue', () => {
  it('refuses offers beyond capacity and dispatches in FIFO order on a later turn', async () => {
    const seen: number[] = [];
    const q = new SipsvcRecvQueue<number>(3, 1, (n) => seen.push(n));
    expect([1, 2, 3, 4].map((n) => q.offer(n))).toEqual([true, true, true, false]);
    expect(seen).toEqual([]);
    expect(q.size).toBe(3);
    await nextTurn();
    expect(seen).toEqual([1, 2, 3]);
    expect(q.size).toBe(0);
    expect(q.offer(5)).toBe(true);
    await nextTurn();
    expect(seen).toEqual([1, 2, 3, 5]);
  });

  it('dispatches at most threadCount x DISPATCH_PER_CONSUMER per turn, then continues', async () => {
    let seen = 0;
    const total = DISPATCH_PER_CONSUMER * 2 + 5;
    const q = new SipsvcRecvQueue<number>(1000, 2, () => seen++);
    for (let i = 0; i < total; i++) q.offer(i);
    await nextTurn();
    expect(seen).toBe(DISPATCH_PER_CONSUMER * 2);
    await nextTurn();
    expect(seen).toBe(total);
  });

  it('drops what is queued and refuses new work once stopped', async () => {
    let seen = 0;
    const q = new SipsvcRecvQueue<number>(10, 1, () => seen++);
    q.offer(1);
    q.stop();
    expect(q.offer(2)).toBe(false);
    await nextTurn();
    expect(seen).toBe(0);
    expect(q.size).toBe(0);
  });
});
