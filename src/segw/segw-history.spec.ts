import { Logger } from '@nestjs/common';
import { FailoverHistoryEntry, HISTORY_CAPACITY, HistoryStore, SegwHistory } from './segw-history';

class SlowStore implements HistoryStore {
  writes: string[] = [];
  files = new Map<string, string>();
  private release?: () => void;
  hold = false;
  async read(path: string) {
    return this.files.get(path);
  }
  async writeAtomic(path: string, text: string) {
    if (this.hold) await new Promise<void>((r) => (this.release = r));
    this.writes.push(text);
    this.files.set(path, text);
  }
  go() {
    this.hold = false;
    this.release?.();
  }
}

const entry = (i: number, result = 'success'): FailoverHistoryEntry => ({
  timestamp: new Date(i * 1000).toISOString(),
  connection: 't',
  from: 'a',
  to: 'b',
  reason: `r${i}`,
  code: 'ok',
  result,
});

describe('SegwHistory', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('coalesces writes: one in flight, one more with everything that changed meanwhile', async () => {
    const store = new SlowStore();
    const h = new SegwHistory('h.json', store);
    store.hold = true;
    h.add(entry(1));
    const pending = h.add(entry(2, 'pending'));
    h.add(entry(3));
    h.settle(pending, 'superseded');
    store.go();
    await h.flushed();
    expect(store.writes).toHaveLength(2);
    const saved = JSON.parse(store.files.get('h.json')!).history as FailoverHistoryEntry[];
    expect(saved.map((e) => [e.reason, e.result])).toEqual([
      ['r3', 'success'],
      ['r2', 'superseded'],
      ['r1', 'success'],
    ]);
  });

  it('reloads newest first as written; a pending entry of a stopped gateway reads interrupted', async () => {
    const store = new SlowStore();
    const first = new SegwHistory('h.json', store);
    first.add(entry(1));
    first.add(entry(2, 'pending'));
    await first.flushed();
    const second = new SegwHistory('h.json', store);
    await second.load();
    expect(second.latest().map((e) => [e.reason, e.result])).toEqual([
      ['r2', 'interrupted'],
      ['r1', 'success'],
    ]);
  });

  it('keeps the last 1000; a broken file or foreign entries are skipped, never fatal', async () => {
    const store = new SlowStore();
    const h = new SegwHistory('h.json', store);
    for (let i = 0; i < HISTORY_CAPACITY + 5; i++) h.add(entry(i));
    expect(h.latest()).toHaveLength(HISTORY_CAPACITY);
    expect(h.latest(1)[0].reason).toBe(`r${HISTORY_CAPACITY + 4}`);
    store.files.set('bad.json', '{not json');
    const bad = new SegwHistory('bad.json', store);
    await bad.load();
    expect(bad.latest()).toEqual([]);
    store.files.set('odd.json', JSON.stringify({ history: [{ reason: 1 }, entry(7)] }));
    const odd = new SegwHistory('odd.json', store);
    await odd.load();
    expect(odd.latest()).toEqual([entry(7)]);
  });

  it('segw.history-max-age: purge drops what is older (oldest first) and writes the rest', async () => {
    const store = new SlowStore();
    const day = 86_400_000;
    let now = 10 * day;
    const h = new SegwHistory('h.json', store, { maxAgeMs: 7 * day, clock: () => now });
    for (const d of [1, 2, 3, 8, 9]) h.add(entry(d * 86_400)); // entry(i): i seconds
    await h.flushed();
    expect(h.purge()).toBe(2); // days 1 and 2 are older than 7 days at day 10
    expect(h.latest().map((e) => e.reason)).toEqual(['r777600', 'r691200', 'r259200']);
    await h.flushed();
    expect(JSON.parse(store.files.get('h.json')!).history).toHaveLength(3);
    expect(h.purge()).toBe(0);
    now = 20 * day;
    expect(h.purge()).toBe(3);
    expect(h.latest()).toEqual([]);
    for (let i = 0; i < HISTORY_CAPACITY + 5; i++) h.add(entry(now / 1000 + i));
    expect(h.latest()).toHaveLength(HISTORY_CAPACITY); // the count cap still holds
  });

  it('reloads the code of each entry; one written before codes existed reads ok or a failure', async () => {
    const store = new SlowStore();
    const { code: _, ...old } = entry(1);
    store.files.set(
      'h.json',
      JSON.stringify({
        history: [
          { ...entry(3), code: 'ike-down' },
          { ...old, result: 'failed: initiate: x' },
          old,
        ],
      }),
    );
    const h = new SegwHistory('h.json', store);
    await h.load();
    expect(h.latest().map((e) => e.code)).toEqual(['ike-down', 'strongswan-api-failed', 'ok']);
  });

  it('"" = memory only: nothing read or written', async () => {
    const store = new SlowStore();
    const read = jest.spyOn(store, 'read');
    const h = new SegwHistory('', store);
    await h.load();
    h.add(entry(1));
    await h.flushed();
    expect(read).not.toHaveBeenCalled();
    expect(store.writes).toEqual([]);
  });
});
