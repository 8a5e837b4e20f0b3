/** Monotonic milliseconds, injectable so timing policies can be unit-tested. */
export interface Clock {
  now(): number;
}

export const CLOCK = Symbol('EXECUTE_CLOCK');

export const monotonicClock: Clock = { now: () => performance.now() };
