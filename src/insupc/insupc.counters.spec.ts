import { InsupcCounters } from './insupc.counters';

describe('InsupcCounters', () => {
  it('a reset zeroes the counts and starts a new period; the period is in no snapshot or restore', () => {
    const set = new InsupcCounters();
    const c = set.server('INSUPC-1');
    c.requests = 5;
    c.success = 4;
    c.failureByResult['0x10'] = 1;
    set.reset();
    expect(c).toMatchObject({ requests: 0, success: 0, failureByResult: {}, epoch: 1 });
    const into: Record<string, unknown> = {};
    set.snapshotInto(into);
    expect(into['INSUPC-1']).not.toHaveProperty('epoch');
    set.restoreFrom({ 'INSUPC-1': { requests: 9, epoch: 77 } });
    expect(c).toMatchObject({ requests: 9, epoch: 1 });
  });
});
