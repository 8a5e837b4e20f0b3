import fc from 'fast-check';
import { WorkerQueue, WorkerQueueItem } from './worker-queue';

class Item implements WorkerQueueItem<Item> {
  queuePrev: Item | null = null;
  queueNext: Item | null = null;
  queued = false;
  constructor(readonly id: number) {}
}

function setup(capacity: number, concurrency: number) {
  const started: number[] = [];
  const limits = { capacity: () => capacity, canStart: (running: number) => running < concurrency };
  const q = new WorkerQueue<Item>(limits, (i) => started.push(i.id));
  return { q, started, limits };
}

describe('WorkerQueue', () => {
  it('runs up to `concurrency` at once, queues up to `capacity`, refuses beyond', () => {
    const { q, started } = setup(2, 1);
    expect(q.submit(new Item(1))).toBe(true);
    expect(q.submit(new Item(2))).toBe(true);
    expect(q.submit(new Item(3))).toBe(true);
    expect(q.submit(new Item(4))).toBe(false);
    expect(started).toEqual([1]);
    expect(q.size()).toBe(2);
    expect(q.inFlight()).toBe(1);
  });

  it('issue 14: a waiting item refused by `admit` is skipped and its slot goes to the next', () => {
    const started: number[] = [];
    const stale = new Set([2, 3]);
    const q = new WorkerQueue<Item>(
      { capacity: () => 10, canStart: (running: number) => running < 1 },
      (i) => started.push(i.id),
      (i) => !stale.has(i.id),
    );
    for (let i = 1; i <= 4; i++) q.submit(new Item(i));
    q.release();
    expect(started).toEqual([1, 4]);
    expect(q.size()).toBe(0);
    expect(q.inFlight()).toBe(1);
  });

  it('starts waiting items in FIFO order as slots free', () => {
    const { q, started } = setup(10, 2);
    for (let i = 1; i <= 5; i++) q.submit(new Item(i));
    expect(started).toEqual([1, 2]);
    q.release();
    expect(started).toEqual([1, 2, 3]);
    q.release();
    q.release();
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(q.size()).toBe(0);
    expect(q.inFlight()).toBe(2);
  });

  it('removes a waiting item from anywhere in the line', () => {
    const { q, started } = setup(10, 1);
    const items = [1, 2, 3, 4].map((i) => new Item(i));
    items.forEach((i) => q.submit(i));
    q.remove(items[2]);
    q.remove(items[1]);
    q.remove(items[2]); // twice is harmless
    expect(q.size()).toBe(1);
    q.release();
    q.release();
    expect(started).toEqual([1, 4]);
    expect(q.size()).toBe(0);
  });

  it('never lets a newcomer jump the line while items wait', () => {
    const { q, started } = setup(10, 1);
    q.submit(new Item(1));
    q.submit(new Item(2));
    q.release(); // 2 starts
    q.submit(new Item(3)); // slot busy → waits
    expect(started).toEqual([1, 2]);
    q.release();
    expect(started).toEqual([1, 2, 3]);
  });

  it('matches a simple model under random submit / release / remove', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.constantFrom('submit', 'release', 'remove'), fc.nat(10)), {
          maxLength: 200,
        }),
        (capacity, concurrency, ops) => {
          const { q, started } = setup(capacity, concurrency);
          const model: number[] = []; // waiting ids, FIFO
          const items = new Map<number, Item>();
          let running = 0;
          let next = 0;
          const pump = (): number[] => {
            const s: number[] = [];
            while (model.length > 0 && running < concurrency) {
              s.push(model.shift() as number);
              running++;
            }
            return s;
          };
          const expected: number[] = [];
          for (const [op, n] of ops) {
            if (op === 'submit') {
              const it = new Item(next++);
              items.set(it.id, it);
              const ok = q.submit(it);
              if (running < concurrency && model.length === 0) {
                expect(ok).toBe(true);
                running++;
                expected.push(it.id);
              } else if (model.length >= capacity) {
                expect(ok).toBe(false);
              } else {
                expect(ok).toBe(true);
                model.push(it.id);
              }
            } else if (op === 'release' && running > 0) {
              q.release();
              running--;
              expected.push(...pump());
            } else if (op === 'remove' && model.length > 0) {
              const id = model.splice(n % model.length, 1)[0];
              q.remove(items.get(id) as Item);
            }
            expect(started).toEqual(expected);
            expect(q.size()).toBe(model.length);
            expect(q.inFlight()).toBe(running);
          }
        },
      ),
    );
  });
});
