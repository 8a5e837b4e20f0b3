import fc from 'fast-check';
import { ExecuteCounters } from '../execute/execute.counters';
import { InsupcCounters } from '../insupc/insupc.counters';
import { SegwCounters } from '../segw/segw.counters';
import { SipsvcCounters } from '../sipsvc/sipsvc.counters';
import { counterSetsOf } from './counter-sets';
import { StatisticsService } from './statistics.service';

/** the gateway's counter sets, composed as the statistics module does */
function gateway() {
  const sipsvc = new SipsvcCounters();
  const execute = new ExecuteCounters();
  const insupc = new InsupcCounters();
  const segw = new SegwCounters();
  const stats = new StatisticsService(counterSetsOf(sipsvc, execute, insupc, segw));
  return { sipsvc, execute, insupc, segw, stats };
}

function feed(g: ReturnType<typeof gateway>): void {
  g.execute.execute.attempts = 10;
  g.execute.execute.success = 7;
  g.execute.execute.failure = 3;
  g.execute.tpsRejections = 2;
  g.execute.queueRejections = 4;
  g.sipsvc.queueRejections = 1;
  g.sipsvc.auth.attempts = 5;
  const c = g.insupc.server('INSUPC-1');
  c.requests = 20;
  c.success = 18;
  c.failure = 2;
  c.failureByResult['0x10'] = 2;
  g.segw.failovers = 1;
}

describe('statistics composed from the registered counter sets', () => {
  it('reports counters with success_rate to one decimal (UT_05_002: 10/7/3 → 70.0)', () => {
    const g = gateway();
    feed(g);
    g.insupc.dbStatusOf = (name) => (name === 'INSUPC-1' ? 'MA' : '');
    const snap = g.stats.snapshot('AMAS-SES1', new Date('2025-01-01T00:00:00Z'));
    expect(snap.systemName).toBe('AMAS-SES1');
    expect(snap.timestamp).toBe('2025-01-01T00:00:00.000Z');
    expect(snap.server.commands).toEqual({
      auth: { attempts: 5, success: 0, failure: 0, success_rate: 0 },
      heartbeat: { attempts: 0, success: 0, failure: 0, success_rate: 0 },
      execute: { attempts: 10, success: 7, failure: 3, success_rate: 70 },
    });
    expect(snap.server).toMatchObject({ tpsRejections: 2, queueRejections: 5 });
    expect(snap.client['INSUPC-1']).toMatchObject({
      requests: 20,
      success: 18,
      failure: 2,
      success_rate: 90,
      failureByResult: { '0x10': 2 },
      dbStatus: 'MA',
    });
    expect(snap.segw).toEqual({ failovers: 1, initiateFailures: 0 });
  });

  it('keeps the stat-file format: every field of operations spec section 4', () => {
    const g = gateway();
    g.insupc.server('INSUPC-1');
    const snap = g.stats.snapshot('X');
    expect(Object.keys(snap.server).sort()).toEqual(
      [
        'commands',
        'connectionsAccepted',
        'connectionsAuthenticated',
        'connectionsRejected',
        'droppedResponses',
        'queueRejections',
        'timeouts',
        'tpsRejections',
      ].sort(),
    );
    expect(Object.keys(snap.client['INSUPC-1']).sort()).toEqual(
      [
        'connectionLosses',
        'dbStatus',
        'failure',
        'failureByResult',
        'logonFailures',
        'reconnects',
        'requests',
        'success',
        'success_rate',
        'timeouts',
        'unmatchedResponses',
      ].sort(),
    );
  });

  it('reset zeroes the same objects hot paths hold; dbStatus is live state, untouched', () => {
    const g = gateway();
    feed(g);
    g.insupc.dbStatusOf = () => 'MA';
    const exec = g.execute.execute;
    const server = g.insupc.server('INSUPC-1');
    const failures = server.failureByResult;
    g.stats.reset();
    expect(g.execute.execute).toBe(exec);
    expect(g.insupc.server('INSUPC-1')).toBe(server);
    expect(server.failureByResult).toBe(failures);
    expect(exec).toEqual({ attempts: 0, success: 0, failure: 0 });
    expect(failures).toEqual({});
    expect(g.execute.tpsRejections).toBe(0);
    expect(g.segw.failovers).toBe(0);
    expect(g.stats.snapshot('X').client['INSUPC-1']).toMatchObject({ requests: 0, dbStatus: 'MA' });
  });

  it('restores a snapshot into the live objects (round trip through JSON)', () => {
    const before = gateway();
    feed(before);
    before.insupc.dbStatusOf = () => 'MA';
    const text = JSON.stringify(before.stats.snapshot('X'));
    const after = gateway();
    const exec = after.execute.execute;
    expect(after.stats.restore(JSON.parse(text))).toBe(1);
    expect(after.execute.execute).toBe(exec);
    expect(after.stats.snapshot('X', new Date(0)).server).toEqual(
      before.stats.snapshot('X', new Date(0)).server,
    );
    expect(after.insupc.server('INSUPC-1')).toMatchObject({
      requests: 20,
      failureByResult: { '0x10': 2 },
    });
    // dbStatus is live state, not a counter: never restored
    expect(after.stats.snapshot('X').client['INSUPC-1'].dbStatus).toBe('');
  });

  it('restore ignores invalid values and keeps every counter a non-negative integer (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (json, anything) => {
        const g = gateway();
        g.stats.restore(json);
        g.stats.restore(anything);
        g.stats.restore({ server: json, client: { A: json, B: anything }, segw: anything });
        g.stats.restore({ server: { commands: json }, client: json });
        const snap = JSON.parse(JSON.stringify(g.stats.snapshot('X'))) as unknown;
        const numbers: unknown[] = [];
        const walk = (v: unknown, key: string): void => {
          if (typeof v === 'number' && key !== 'success_rate') numbers.push(v);
          else if (typeof v === 'object' && v !== null)
            for (const [k, x] of Object.entries(v)) walk(x, k);
        };
        walk(snap, '');
        for (const n of numbers) expect(Number.isSafeInteger(n) && (n as number) >= 0).toBe(true);
        expect(typeof g.execute.execute).toBe('object');
      }),
      { numRuns: 300 },
    );
  });

  it('restore bounds what a file can create', () => {
    const client: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) client[`S${i}`] = { requests: i };
    client['x'.repeat(500)] = { requests: 1 };
    const g = gateway();
    expect(g.stats.restore({ client })).toBe(256);
    expect(g.insupc.names().every((n) => n.length < 500)).toBe(true);
  });
});
