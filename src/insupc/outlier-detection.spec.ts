import { FakeScheduler } from '../common/testing/fake-scheduler';
import { OutlierDetectionConfig } from '../config/schema/insupc.schema';
import { ejectionAllowed, ejectionMillis, OutlierState } from './outlier-detection';

const config = (over: Partial<OutlierDetectionConfig> = {}): OutlierDetectionConfig =>
  Object.assign(new OutlierDetectionConfig(), over);

/** `n` failures in a row; the ejection (ms) the last one made, 0 if none was asked for. */
function fail(state: OutlierState, clock: FakeScheduler, cfg: OutlierDetectionConfig, n: number) {
  let ms = 0;
  for (let i = 0; i < n; i++)
    if (state.failure(clock.now(), cfg)) ms = state.eject(clock.now(), cfg);
  return ms;
}

describe('OutlierState (operations spec section 7, fake time)', () => {
  const cfg = config({
    consecutiveFailures: 5,
    baseEjectionTime: 30_000,
    maxEjectionTime: 100_000,
  });
  let clock: FakeScheduler;
  let state: OutlierState;
  beforeEach(() => {
    clock = new FakeScheduler();
    state = new OutlierState();
  });

  it('consecutive-failures in a row eject; a success in between starts the count again', () => {
    expect(fail(state, clock, cfg, 4)).toBe(0);
    state.success(clock.now());
    expect(fail(state, clock, cfg, 4)).toBe(0);
    expect(state.consecutiveFailures).toBe(4);
    expect(fail(state, clock, cfg, 1)).toBe(30_000);
    expect(state.isEjected(clock.now())).toBe(true);
    expect(state.consecutiveFailures).toBe(0);
  });

  it('the n-th ejection lasts n x base, capped at max; ended() says so once, at the end', () => {
    const lengths: number[] = [];
    for (let k = 1; k <= 5; k++) {
      const ms = fail(state, clock, cfg, 5);
      lengths.push(ms);
      clock.advance(ms - 1);
      expect(state.isEjected(clock.now())).toBe(true);
      expect(state.ended(clock.now())).toBe(false);
      clock.advance(1);
      expect(state.isEjected(clock.now())).toBe(false);
      expect(state.ended(clock.now())).toBe(true);
      expect(state.ended(clock.now())).toBe(false);
    }
    expect(lengths).toEqual([30_000, 60_000, 90_000, 100_000, 100_000]);
    expect(state.ejectionsTotal).toBe(5);
  });

  it('a success back in rotation resets the multiplier; one while ejected does not', () => {
    fail(state, clock, cfg, 5);
    state.success(clock.now()); // a late answer of a query sent before the ejection
    clock.advance(30_000);
    expect(fail(state, clock, cfg, 5)).toBe(60_000);
    clock.advance(60_000);
    state.success(clock.now());
    expect(fail(state, clock, cfg, 5)).toBe(30_000);
  });

  it('failures while ejected are not counted', () => {
    fail(state, clock, cfg, 5);
    clock.advance(10_000);
    expect(fail(state, clock, cfg, 20)).toBe(0);
    expect(state.consecutiveFailures).toBe(0);
    clock.advance(20_000);
    expect(fail(state, clock, cfg, 4)).toBe(0);
  });

  it('disabled: never asks for an ejection', () => {
    expect(fail(state, clock, config({ enabled: false }), 100)).toBe(0);
  });

  it('ejectionMillis: k x base, capped', () => {
    const c = config({ baseEjectionTime: 30_000, maxEjectionTime: 300_000 });
    expect([1, 2, 10, 11, 1000].map((k) => ejectionMillis(k, c))).toEqual([
      30_000, 60_000, 300_000, 300_000, 300_000,
    ]);
  });
});

describe('ejectionAllowed', () => {
  it('never the last routable server', () => {
    expect(ejectionAllowed(0, 2, 0, 100)).toBe(false);
    expect(ejectionAllowed(0, 2, 1, 100)).toBe(true);
  });

  it('one server may always be ejected, even under max-ejection-percent', () => {
    expect(ejectionAllowed(0, 10, 9, 0)).toBe(true);
    expect(ejectionAllowed(0, 2, 1, 10)).toBe(true);
  });

  it('beyond the first, at most max-ejection-percent of the configured servers', () => {
    // 4 servers at 50 %: a second ejection is allowed, a third is not
    expect(ejectionAllowed(1, 4, 2, 50)).toBe(true);
    expect(ejectionAllowed(2, 4, 1, 50)).toBe(false);
    // 3 servers at 50 %: 2 of 3 is 66 %
    expect(ejectionAllowed(1, 3, 1, 50)).toBe(false);
    expect(ejectionAllowed(2, 3, 1, 100)).toBe(true);
  });
});
