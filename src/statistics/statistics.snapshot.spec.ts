import fc from 'fast-check';
import { SIPSVC_COMMANDS } from './statistics.counters';
import { StatisticsService } from './statistics.service';

function feed(stats: StatisticsService): void {
  const exec = stats.sipsvc.commands.execute;
  exec.attempts = 10;
  exec.success = 7;
  exec.failure = 3;
  stats.sipsvc.tpsRejections = 2;
  const c = stats.insupc('INSUPC-1');
  c.requests = 20;
  c.success = 18;
  c.failure = 2;
  c.failureByResult['0x10'] = 2;
  c.dbStatus = 'MA';
  stats.segw.failovers = 1;
}

describe('statistics snapshot', () => {
  it('reports counters with success_rate to one decimal (UT_05_002: 10/7/3 → 70.0)', () => {
    const stats = new StatisticsService();
    feed(stats);
    const snap = stats.snapshot('AMAS-SES1', new Date('2025-01-01T00:00:00Z'));
    expect(snap.systemName).toBe('AMAS-SES1');
    expect(snap.timestamp).toBe('2025-01-01T00:00:00.000Z');
    expect(snap.server.commands.execute).toEqual({
      attempts: 10,
      success: 7,
      failure: 3,
      success_rate: 70,
    });
    expect(snap.server.tpsRejections).toBe(2);
    expect(snap.client['INSUPC-1']).toMatchObject({
      requests: 20,
      success: 18,
      failure: 2,
      success_rate: 90,
      failureByResult: { '0x10': 2 },
      dbStatus: 'MA',
    });
    expect(snap.segw.failovers).toBe(1);
  });

  it('reset zeroes the same objects hot paths hold, keeping dbStatus', () => {
    const stats = new StatisticsService();
    feed(stats);
    const exec = stats.sipsvc.commands.execute;
    const server = stats.insupc('INSUPC-1');
    const failures = server.failureByResult;
    stats.reset();
    expect(stats.sipsvc.commands.execute).toBe(exec);
    expect(stats.insupc('INSUPC-1')).toBe(server);
    expect(server.failureByResult).toBe(failures);
    expect(exec).toEqual({ attempts: 0, success: 0, failure: 0 });
    expect(server).toMatchObject({ requests: 0, success: 0, failure: 0, dbStatus: 'MA' });
    expect(failures).toEqual({});
    expect(stats.sipsvc.tpsRejections).toBe(0);
    expect(stats.segw.failovers).toBe(0);
  });

  it('restores a snapshot into the live objects (round trip through JSON)', () => {
    const before = new StatisticsService();
    feed(before);
    const text = JSON.stringify(before.snapshot('X'));
    const after = new StatisticsService();
    const exec = after.sipsvc.commands.execute;
    expect(after.restore(JSON.parse(text))).toBe(1);
    expect(after.sipsvc.commands.execute).toBe(exec);
    expect(after.snapshot('X', new Date(0)).server).toEqual(
      before.snapshot('X', new Date(0)).server,
    );
    expect(after.insupc('INSUPC-1')).toMatchObject({
      requests: 20,
      failureByResult: { '0x10': 2 },
    });
    // dbStatus is live state, not a counter: never restored
    expect(after.insupc('INSUPC-1').dbStatus).toBe('');
  });

  it('restore ignores invalid values and keeps every counter a non-negative integer (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (json, anything) => {
        const stats = new StatisticsService();
        stats.restore(json);
        stats.restore(anything);
        stats.restore({ server: json, client: { A: json, B: anything }, segw: anything });
        const snap = stats.snapshot('X');
        const counts = [
          ...SIPSVC_COMMANDS.flatMap((c) => Object.values(stats.sipsvc.commands[c])),
          stats.sipsvc.timeouts,
          stats.sipsvc.connectionsAccepted,
          stats.segw.failovers,
          ...Object.values(snap.client).flatMap((c) => [
            c.requests,
            c.failure,
            ...Object.values(c.failureByResult),
          ]),
        ];
        for (const n of counts) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
        expect(typeof stats.sipsvc.commands).toBe('object');
      }),
      { numRuns: 300 },
    );
  });

  it('restore bounds what a file can create', () => {
    const client: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) client[`S${i}`] = { requests: i };
    client['x'.repeat(500)] = { requests: 1 };
    const stats = new StatisticsService();
    expect(stats.restore({ client })).toBe(256);
    expect(stats.insupcNames().every((n) => n.length < 500)).toBe(true);
  });
});
