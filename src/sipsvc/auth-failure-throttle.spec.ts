import { Logger } from '@nestjs/common';
import { AuthFailureThrottle, MAX_BLOCK_MS } from './auth-failure-throttle';

const limits = { maxPerIp: 3, window: 60_000, blockTime: 60_000 };

function setup(maxTracked?: number) {
  const warnings: string[] = [];
  const log = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
  const throttle = new AuthFailureThrottle(() => limits, log, maxTracked);
  const failTimes = (ip: string, n: number, at: number) => {
    for (let i = 0; i < n; i++) throttle.failed(ip, at);
  };
  return { throttle, warnings, failTimes };
}

describe('AuthFailureThrottle (operations.md §8.4)', () => {
  it('blocks an address after max-per-ip failures within the window, for block-time', () => {
    const { throttle, warnings, failTimes } = setup();
    failTimes('10.0.0.1', 2, 0);
    expect(throttle.refuses('10.0.0.1', 1)).toBe(false);
    throttle.failed('10.0.0.1', 1000);
    expect(warnings).toEqual([
      '[SIPSVC|10.0.0.1] 3 failed auths within 60000 ms - new connections from this address closed for 60000 ms (block 1)',
    ]);
    expect(throttle.refuses('10.0.0.1', 1000)).toBe(true);
    expect(throttle.refuses('10.0.0.1', 60_999)).toBe(true);
    expect(throttle.refuses('10.0.0.1', 61_000)).toBe(false);
    expect(throttle.failuresTotal).toBe(3);
  });

  it('other addresses are not affected', () => {
    const { throttle, failTimes } = setup();
    failTimes('10.0.0.1', 3, 0);
    expect(throttle.refuses('10.0.0.1', 10)).toBe(true);
    expect(throttle.refuses('10.0.0.2', 10)).toBe(false);
    expect(throttle.blockedCount(10)).toBe(1);
  });

  it('failures spread over more than the window do not block', () => {
    const { throttle } = setup();
    throttle.failed('10.0.0.1', 0);
    throttle.failed('10.0.0.1', 30_000);
    throttle.failed('10.0.0.1', 60_000); // a new window opens here
    throttle.failed('10.0.0.1', 61_000);
    expect(throttle.refuses('10.0.0.1', 61_000)).toBe(false);
    throttle.failed('10.0.0.1', 62_000);
    expect(throttle.refuses('10.0.0.1', 62_000)).toBe(true);
  });

  it('a repeat block doubles, up to 1 h; an hour clean after a block starts over', () => {
    const { throttle, failTimes } = setup();
    let t = 0;
    const blockLength = () => {
      failTimes('10.0.0.1', 3, t);
      let end = t;
      while (throttle.refuses('10.0.0.1', end)) end += 1000;
      const ms = end - t;
      t = end;
      return ms;
    };
    const lengths = [1, 2, 3, 4, 5, 6, 7, 8].map(blockLength);
    expect(lengths).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600].map((s) => s * 1000));
    t += MAX_BLOCK_MS;
    expect(blockLength()).toBe(60_000);
  });

  it('a successful auth clears the count and the block history', () => {
    const { throttle, failTimes } = setup();
    failTimes('10.0.0.1', 3, 0);
    failTimes('10.0.0.1', 2, 60_000);
    throttle.succeeded('10.0.0.1');
    throttle.failed('10.0.0.1', 60_001);
    expect(throttle.refuses('10.0.0.1', 60_001)).toBe(false);
    failTimes('10.0.0.1', 2, 60_002);
    expect(throttle.refuses('10.0.0.1', 60_002)).toBe(true);
    expect(throttle.refuses('10.0.0.1', 60_002 + 60_000)).toBe(false); // not doubled
  });

  it('refused connections WARN at most once a second per address, with the count', () => {
    const { throttle, warnings, failTimes } = setup();
    failTimes('10.0.0.1', 3, 0);
    failTimes('10.0.0.2', 3, 0);
    warnings.length = 0;
    for (let t = 0; t < 1000; t += 100) throttle.refuses('10.0.0.1', t);
    throttle.refuses('10.0.0.2', 500);
    throttle.refuses('10.0.0.1', 1000);
    expect(warnings).toEqual([
      '[SIPSVC|10.0.0.1] Connection refused - address blocked after failed auths, 60000 ms left',
      '[SIPSVC|10.0.0.2] Connection refused - address blocked after failed auths, 59500 ms left',
      '[SIPSVC|10.0.0.1] Connection refused - address blocked after failed auths, 59000 ms left (+9 more since the previous line)',
    ]);
  });

  it('tracks a bounded number of addresses, forgetting stale ones first', () => {
    const { throttle, failTimes } = setup(3);
    failTimes('10.0.0.1', 3, 0); // blocked
    throttle.failed('10.0.0.2', 0);
    throttle.failed('10.0.0.3', 0);
    throttle.failed('10.0.0.4', 1); // full: the oldest record goes
    expect(throttle.trackedCount).toBe(3);
    expect(throttle.refuses('10.0.0.1', 2)).toBe(false);
    // later, records whose window is over and that have no block history are pruned first
    failTimes('10.0.0.5', 3, 2); // evicts 10.0.0.2
    throttle.failed('10.0.0.6', 70_000); // prunes 10.0.0.3 and 10.0.0.4, keeps 10.0.0.5
    expect(throttle.trackedCount).toBe(2);
    failTimes('10.0.0.5', 3, 70_000);
    expect(throttle.refuses('10.0.0.5', 70_000 + 119_999)).toBe(true); // doubled: remembered
  });

  it('costs nothing while no address has failed', () => {
    const { throttle } = setup();
    expect(throttle.refuses('10.0.0.1', 0)).toBe(false);
    expect(throttle.blockedCount(0)).toBe(0);
  });
});
