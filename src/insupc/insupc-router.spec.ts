import { InsupcRouter, RoutableServer } from './insupc-router';

class Server implements RoutableServer {
  constructor(
    readonly name: string,
    public dbStatus: string,
    public ready = true,
  ) {}
  hasRoutableConnection(): boolean {
    return this.ready;
  }
}

function pick(router: InsupcRouter<Server>, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(router.select()?.name ?? 'none');
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
    expect(router.select()?.name).toBe('DA');
    expect(router.lastFallback).toBe(true);
    da.ready = false;
    expect(router.select()?.name).toBe('MS');
    ms.dbStatus = 'MB';
    expect(router.select()?.name).toBe('DS');
    ma.ready = true;
    expect(router.select()?.name).toBe('MA');
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
    expect(router.select()).toBeNull();
    expect(router.routableCount()).toBe(0);
  });

  it('MA+MS: MA going to MB moves everything to MS', () => {
    const ma = new Server('INSUPC-2', 'MA');
    const router = new InsupcRouter([new Server('INSUPC-1', 'MS'), ma]);
    expect(pick(router, 2)).toEqual(['INSUPC-2', 'INSUPC-2']);
    ma.dbStatus = 'MB';
    expect(pick(router, 2)).toEqual(['INSUPC-1', 'INSUPC-1']);
    expect(router.routableCount()).toBe(1);
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
    expect(router.routableCount()).toBe(2);
    drained.add('INSUPC-2');
    expect(pick(router, 2)).toEqual(['DR', 'DR']);
    drained.add('DR');
    expect(router.select()).toBeNull();
    expect(router.routableCount()).toBe(0);
    drained.clear();
    expect(router.routableCount()).toBe(3);
  });
});
