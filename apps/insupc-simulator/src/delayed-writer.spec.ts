import { DelayedWriter } from './delayed-writer';

describe('DelayedWriter', () => {
  let now = 0;
  const written: string[] = [];
  const writer = new DelayedWriter({ write: (b) => written.push(b.toString()) }, () => now);

  beforeEach(() => {
    jest.useFakeTimers();
    now = 0;
    written.length = 0;
    writer.clear();
  });
  afterEach(() => jest.useRealTimers());

  const advance = (ms: number): void => {
    now += ms;
    jest.advanceTimersByTime(ms);
  };

  it('writes at once without delay and nothing pending', () => {
    writer.send(Buffer.from('a'), 0);
    expect(written).toEqual(['a']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('holds each frame until its due time, with one timer, in order', () => {
    writer.send(Buffer.from('a'), 100);
    advance(50);
    writer.send(Buffer.from('b'), 100);
    writer.send(Buffer.from('c'), 0); // queued behind b: order is kept
    expect(jest.getTimerCount()).toBe(1);
    advance(49);
    expect(written).toEqual([]);
    advance(1);
    expect(written).toEqual(['a']);
    advance(50);
    expect(written).toEqual(['a', 'b', 'c']);
    expect(writer.pending).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('clear() drops pending frames and its timer', () => {
    writer.send(Buffer.from('a'), 100);
    writer.clear();
    advance(200);
    expect(written).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('waits in steps node can time for a delay beyond setTimeout range, not spinning every ms', () => {
    const timeouts = jest.spyOn(global, 'setTimeout');
    const far = 2 ** 31 + 5000;
    writer.send(Buffer.from('far'), far);
    for (const [, ms] of timeouts.mock.calls) expect(ms).toBeLessThanOrEqual(2 ** 31 - 1);
    advance(1000);
    expect(timeouts.mock.calls.length).toBe(1);
    advance(2 ** 31 - 1000);
    expect(written).toEqual([]);
    advance(far - 2 ** 31);
    expect(written).toEqual(['far']);
    expect(timeouts.mock.calls.length).toBe(2);
  });
});
