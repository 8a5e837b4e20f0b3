import fc from 'fast-check';
import {
  backoffDelay,
  ConnectionFailover,
  FailoverPolicyConfig,
  nextIndex,
  parseAddresses,
  RingBuffer,
} from './failover-policy';

const policy: FailoverPolicyConfig = {
  maxRetries: 5,
  backoffBase: 1000,
  backoffMultiplier: 2,
  backoffMax: 30000,
  failback: 'none',
};

describe('SEGW failover policy', () => {
  it('parses addresses: trims, drops empties, accepts a list', () => {
    expect(parseAddresses(' 10.0.0.1 , ,10.0.0.2,')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(parseAddresses(['10.0.0.1 ', ''])).toEqual(['10.0.0.1']);
    expect(parseAddresses(undefined)).toEqual([]);
    expect(parseAddresses(' , ')).toEqual([]);
  });

  it('two addresses: switches to the second, then back to the first (circular)', () => {
    const c = new ConnectionFailover('t', ['10.0.0.1', '10.0.0.2'], 0);
    const d1 = c.failed(1, policy);
    expect(d1).toMatchObject({ kind: 'retry', fromIndex: 0, toIndex: 1 });
    expect(c.current).toBe('10.0.0.2');
    expect(c.failed(2, policy)).toMatchObject({ kind: 'retry', fromIndex: 1, toIndex: 0 });
    expect(c.current).toBe('10.0.0.1');
  });

  it('three addresses: 1 → 2 → 3 → 1', () => {
    const c = new ConnectionFailover('t', ['a', 'b', 'c'], 0);
    const seen = [c.current];
    for (let i = 0; i < 3; i++) {
      c.failed(i, policy);
      seen.push(c.current);
    }
    expect(seen).toEqual(['a', 'b', 'c', 'a']);
  });

  it('single address: no failover, the same address is retried with backoff', () => {
    const c = new ConnectionFailover('t', ['10.0.0.1'], 0);
    const delays = [1, 2, 3].map(() => {
      const d = c.failed(0, policy);
      expect(c.current).toBe('10.0.0.1');
      return d.kind === 'retry' ? d.delayMs : -1;
    });
    expect(delays).toEqual([0, 1000, 2000]);
  });

  it('retry limit: after max-retries consecutive failures the connection is FAILED', () => {
    const c = new ConnectionFailover('t', ['a', 'b'], 0);
    for (let i = 0; i < policy.maxRetries; i++) expect(c.failed(i, policy).kind).toBe('retry');
    expect(c.failed(99, policy)).toEqual({ kind: 'failed', retryAfterMs: 30000 });
    expect(c.state).toBe('FAILED');
    expect(c.lastChange).toBe(99);
  });

  it('an established SA resets the retry counter', () => {
    const c = new ConnectionFailover('t', ['a', 'b'], 0);
    c.failed(0, policy);
    c.failed(0, policy);
    expect(c.retries).toBe(2);
    c.established(5);
    expect(c.retries).toBe(0);
    expect(c.state).toBe('UP');
    const d = c.failed(6, policy);
    expect(d).toMatchObject({ kind: 'retry', delayMs: 0, attempt: 1 });
  });

  it('backoff: immediate first switch, then exponential, capped (property)', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, policy))).toEqual([
      0, 1000, 2000, 4000, 8000, 16000, 30000,
    ]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (n) => {
        const d = backoffDelay(n, policy);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(policy.backoffMax);
        expect(backoffDelay(n + 1, policy)).toBeGreaterThanOrEqual(d);
      }),
    );
  });

  it('nextIndex is always a valid index and visits every address (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), (n) => {
        const seen = new Set<number>();
        let i = 0;
        for (let k = 0; k < n; k++) {
          seen.add(i);
          i = nextIndex(i, n);
          expect(i).toBeLessThan(n);
        }
        expect(seen.size).toBe(n);
        expect(i).toBe(0);
      }),
    );
  });

  it('manual actions: restart at an index starts a fresh round', () => {
    const c = new ConnectionFailover('t', ['a', 'b', 'c'], 0);
    c.failed(0, policy);
    c.restart(0, 7);
    expect(c).toMatchObject({ index: 0, retries: 0, state: 'CONNECTING', lastChange: 7 });
    c.restart(4, 8);
    expect(c.current).toBe('b');
  });

  it('failback policy: only with failback=primary, only when UP on a secondary', () => {
    const c = new ConnectionFailover('t', ['a', 'b'], 0);
    const primary = { ...policy, failback: 'primary' as const };
    c.established(0);
    expect(c.wantsFailback(primary)).toBe(false);
    c.failed(0, primary);
    c.established(1);
    expect(c.wantsFailback(primary)).toBe(true);
    expect(c.wantsFailback(policy)).toBe(false);
  });

  it('refuses a connection without addresses', () => {
    expect(() => new ConnectionFailover('t', [], 0)).toThrow('no remote address');
  });

  it('history ring buffer keeps the newest N, newest first', () => {
    const r = new RingBuffer<number>(3);
    [1, 2, 3, 4, 5].forEach((n) => r.push(n));
    expect(r.size).toBe(3);
    expect(r.latest()).toEqual([5, 4, 3]);
    expect(r.latest(2)).toEqual([5, 4]);
  });
});
