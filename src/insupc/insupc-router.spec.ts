import type { Balancing } from '../config/schema/insupc.schema';
import { InsupcRouter, RoutableServer, Selection } from './insupc-router';
import { OutlierState } from './outlier-detection';

class Server implements RoutableServer {
  inFlight = 0;
  readonly outlier = new OutlierState();
  constructor(
    readonly name: string,
    public dbStatus: string,
    public ready = true,
  ) {}
  hasRoutableConnection(): boolean {
    return this.ready;
  }
}

const selection = (
  balancing: Balancing = 'round-robin',
  limit = Number.MAX_SAFE_INTEGER,
): Selection<Server> => ({ now: 0, limit, balancing, except: null });

function pick(router: InsupcRouter<Server>, n: number, sel = selection()): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(router.select(sel)?.name ?? 'none');
  return out;
}

describe('InsupcRouter (spec section 5)', () => {
  it('round-robins over MA servers: MA+MA splits 10 requests 5/5, alternating', () => {
    const router = new InsupcRouter([new Server('INSUPC-1', 'MA'), new Server('INSUPC-2', 'MA')]);
    const picks = pick(router, 10);
    expect(picks.slice(0, 4)).toEqual(['INSUPC-1', 'INSUPC-2', 'INSUPC-1', 'INSUPC-2']);
    expect(picks.filter((p) => p === 'INSUPC-1')).toHaveLength(5);
    expect(router.lastFallback).toBe(false);
  });

  it('sends everything to MA while one is routable, ignoring DA/MS/DS', () => {
    const router = new InsupcRouter([
      new Server('DA-1', 'DA'),
      new Server('MA-1', 'MA'),
      new Server('MS-1', 'MS'),
      new Server('DS-1', 'DS'),
    ]);
    expect(pick(router, 4)).toEqual(['MA-1', 'MA-1', 'MA-1', 'MA-1']);
  });

  it('skips an MA server without a READY connection', () => {
    const down = new Server('MA-down', 'MA', false);
    const router = new InsupcRouter([down, new Server('MA-up', 'MA')]);
    expect(pick(router, 3)).toEqual(['MA-up', 'MA-up', 'MA-up']);
    down.ready = true;
    expect(new Set(pick(router, 2))).toEqual(new Set(['MA-down', 'MA-up']));
  });

  it('falls back in the order DA, then MS, then DS, and flags the fallback', () => {
    const ma = new Server('MA', 'MA', false);
    const ds = new Server('DS', 'DS');
    const ms = new Server('MS', 'MS');
    const da = new Server('DA', 'DA');
    const router = new InsupcRouter([ma, ds, ms, da]);
    const sel = selection();
    expect(router.select(sel)?.name).toBe('DA');
    expect(router.lastFallback).toBe(true);
    da.ready = false;
    expect(router.select(sel)?.name).toBe('MS');
    ms.dbStatus = 'MB';
    expect(router.select(sel)?.name).toBe('DS');
    ma.ready = true;
    expect(router.select(sel)?.name).toBe('MA');
    expect(router.lastFallback).toBe(false);
  });

  it('round-robins within the fallback tier', () => {
    const router = new InsupcRouter([new Server('DA-1', 'DA'), new Server('DA-2', 'DA')]);
    expect(pick(router, 4)).toEqual(['DA-1', 'DA-2', 'DA-1', 'DA-2']);
  });

  it('never selects a blocked or unknown-status server; nothing routable → null', () => {
    const router = new InsupcRouter([
      new Server('MB', 'MB'),
      new Server('DB', 'DB'),
      new Server('new', ''),
      new Server('MA-down', 'MA', false),
    ]);
    expect(router.select(selection())).toBeNull();
    expect(router.routableCount(0)).toBe(0);
  });

  it('MA+MS: MA going to MB moves everything to MS', () => {
    const ma = new Server('INSUPC-2', 'MA');
    const router = new InsupcRouter([new Server('INSUPC-1', 'MS'), ma]);
    expect(pick(router, 2)).toEqual(['INSUPC-2', 'INSUPC-2']);
    ma.dbStatus = 'MB';
    expect(pick(router, 2)).toEqual(['INSUPC-1', 'INSUPC-1']);
    expect(router.routableCount(0)).toBe(1);
  });
});

describe('InsupcRouter (operations spec section 7)', () => {
  it('least-outstanding: the server with the fewest queries in flight; equal load alternates', () => {
    const a = new Server('A', 'MA');
    const b = new Server('B', 'MA');
    const router = new InsupcRouter([a, b]);
    const least = selection('least-outstanding');
    expect(pick(router, 4, least)).toEqual(['A', 'B', 'A', 'B']);
    a.inFlight = 3;
    expect(pick(router, 3, least)).toEqual(['B', 'B', 'B']);
    b.inFlight = 5;
    expect(pick(router, 2, least)).toEqual(['A', 'A']);
  });

  it('least-outstanding never leaves the best tier for a less loaded fallback server', () => {
    const ma = new Server('MA', 'MA');
    ma.inFlight = 10;
    const router = new InsupcRouter([ma, new Server('DA', 'DA')]);
    expect(pick(router, 2, selection('least-outstanding'))).toEqual(['MA', 'MA']);
  });

  it('a server with `limit` queries in flight is passed over; the tier full → hasSlot false', () => {
    const a = new Server('A', 'MA');
    const b = new Server('B', 'MA');
    const router = new InsupcRouter([a, b, new Server('DA', 'DA')]);
    a.inFlight = 2;
    expect(pick(router, 2, selection('round-robin', 2))).toEqual(['B', 'B']);
    expect(pick(router, 2, selection('least-outstanding', 1))).toEqual(['B', 'B']);
    expect(router.hasSlot(0, 2)).toBe(true);
    b.inFlight = 3;
    expect(router.hasSlot(0, 2)).toBe(false);
    // a caller past the worker queue is not refused: the least loaded, never the fallback tier
    expect(pick(router, 2, selection('least-outstanding', 2))).toEqual(['A', 'A']);
    expect(router.select(selection('round-robin', 2))?.name).not.toBe('DA');
  });

  it('hasSlot is true when nothing is routable (the query fails at once, never waits)', () => {
    const router = new InsupcRouter([new Server('A', 'MB')]);
    expect(router.hasSlot(0, 1)).toBe(true);
  });

  it('an ejected server is not routable until its ejection ends; except leaves one out', () => {
    const a = new Server('A', 'MA');
    const b = new Server('B', 'MA');
    const router = new InsupcRouter([a, b]);
    a.outlier.ejectedUntil = 1000;
    expect(pick(router, 2, { ...selection(), now: 999 })).toEqual(['B', 'B']);
    expect(router.routableCount(999)).toBe(1);
    expect(router.ejectedCount(999)).toBe(1);
    expect(pick(router, 2, { ...selection(), now: 1000 })).toEqual(['A', 'B']);
    expect(router.select({ ...selection(), now: 1000, except: b })?.name).toBe('A');
    expect(router.select({ ...selection(), now: 999, except: b })).toBeNull();
    expect(router.routableCount(1000, a)).toBe(1);
  });

  it('never picks a drained server; all drained → null', () => {
    const drained = new Set(['INSUPC-1']);
    const servers = [
      new Server('INSUPC-1', 'MA'),
      new Server('INSUPC-2', 'MA'),
      new Server('DR', 'DA'),
    ];
    const router = new InsupcRouter(servers, drained);
    expect(pick(router, 4)).toEqual(['INSUPC-2', 'INSUPC-2', 'INSUPC-2', 'INSUPC-2']);
    expect(router.routableCount(0)).toBe(2);
    drained.add('INSUPC-2');
    expect(pick(router, 2)).toEqual(['DR', 'DR']);
    drained.add('DR');
    expect(router.select(selection())).toBeNull();
    expect(router.routableCount(0)).toBe(0);
    drained.clear();
    expect(router.routableCount(0)).toBe(3);
  });
});
