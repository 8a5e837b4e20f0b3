import { ExactlyOnceTracker } from './exactly-once-tracker';

describe('ExactlyOnceTracker', () => {
  it('pairs each answer with its send time, in any order', () => {
    const t = new ExactlyOnceTracker();
    expect([t.sent(10), t.sent(20), t.sent(30)]).toEqual([0, 1, 2]);
    expect(t.answer(2)).toBe(30);
    expect(t.answer(0)).toBe(10);
    expect(t.outstanding).toBe(1);
    expect(t.exactlyOnce).toBe(false);
    expect(t.answer(1)).toBe(20);
    expect(t.exactlyOnce).toBe(true);
    expect(t.answered).toBe(3);
  });

  it('counts a second answer for the same request as a duplicate', () => {
    const t = new ExactlyOnceTracker();
    t.sent(1);
    t.answer(0);
    expect(t.answer(0)).toBe(-1);
    expect(t.duplicates).toBe(1);
    expect(t.exactlyOnce).toBe(false);
  });

  it('counts answers to requests never sent as unknown', () => {
    const t = new ExactlyOnceTracker();
    t.sent(1);
    expect(t.answer(5)).toBe(-1);
    expect(t.answer(NaN)).toBe(-1);
    expect(t.answer(-1)).toBe(-1);
    expect(t.unknown).toBe(3);
    expect(t.answer(0)).toBe(1);
    expect(t.exactlyOnce).toBe(false);
  });

  it('reports requests still unanswered', () => {
    const t = new ExactlyOnceTracker();
    t.sent(1);
    t.sent(2);
    t.answer(1);
    expect(t.sentCount).toBe(2);
    expect(t.outstanding).toBe(1);
    expect(t.exactlyOnce).toBe(false);
  });

  it('keeps a request that stays unanswered while thousands pass it, and its send time', () => {
    const t = new ExactlyOnceTracker();
    const stuck = t.sent(7);
    for (let i = 0; i < 5000; i++) expect(t.answer(t.sent(i))).toBe(i);
    expect(t.outstanding).toBe(1);
    expect(t.answer(stuck)).toBe(7);
    expect(t.exactlyOnce).toBe(true);
  });

  it('a late second answer is a duplicate even when a newer request holds its slot', () => {
    const t = new ExactlyOnceTracker();
    const first = t.sent(1);
    t.answer(first);
    for (let i = 0; i < 300; i++) t.sent(i); // wraps the 256 slots: one reuses first's slot
    expect(t.answer(first)).toBe(-1);
    expect(t.duplicates).toBe(1);
    expect(t.outstanding).toBe(300);
  });
});
