import { Logger } from '@nestjs/common';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import { validateConfig } from '../config/config.loader';
import { AppConfig } from '../config/config.schema';
import { SegwFailoverManager } from './segw-failover.manager';
import { SegwCounters } from './segw.counters';
import { HistoryStore } from './segw-history';
import { FakeIpsecControl } from './testing/fake-ipsec-control';

const flush = () => new Promise((r) => setImmediate(r));

class MemoryStore implements HistoryStore {
  files = new Map<string, string>();
  async read(path: string) {
    return this.files.get(path);
  }
  async writeAtomic(path: string, text: string) {
    this.files.set(path, text);
  }
}

/** An INSUPC transport that only reports availability. */
class FakeInsupc {
  listener?: (server: string, loggedOn: number) => void;
  onServerAvailability(l: (server: string, loggedOn: number) => void) {
    this.listener = l;
    return () => (this.listener = undefined);
  }
}

const tunnel = (addrs: string) => ({
  remote_addrs: addrs,
  local: { auth: 'psk', id: 'a@b' },
  remote: { auth: 'psk' },
  children: { c: { local_ts: '10.1.0.0/24' } },
});

function setup(segw: Record<string, unknown> = {}, clients?: unknown[]) {
  const config = validateConfig({
    insupc: { clients: clients ?? [{ name: 'I', host: '127.0.0.1', port: 1 }] },
    segw: {
      enabled: true,
      historyFile: 'h.json',
      policy: { backoffBase: 5, backoffMax: 20, maxRetries: 3 },
      connections: { t: tunnel('10.0.0.1, 10.0.0.2') },
      secrets: [{ type: 'ike', id: 'a@b', secret: 's' }],
      ...segw,
    },
  });
  return build(config);
}

function build(config: AppConfig, store = new MemoryStore()) {
  const control = new FakeIpsecControl();
  const scheduler = new FakeScheduler();
  const insupc = new FakeInsupc();
  const manager = new SegwFailoverManager(
    config.segw,
    config.insupc,
    control,
    new SegwCounters(),
    scheduler,
    store,
    insupc,
  );
  return { config, control, scheduler, store, insupc, manager, state: () => manager.describe()[0] };
}

describe('SegwFailoverManager', () => {
  beforeAll(() => Logger.overrideLogger(false)); // quiet; spies still see the calls
  it('loads secrets, then each connection with ONE address; ready when every connection is UP', async () => {
    const { control, manager, state } = setup();
    control.reachable.add('10.0.0.1');
    await manager.onApplicationBootstrap();
    await flush();
    expect(control.calls).toEqual([
      'load-shared',
      'terminate t',
      'load t 10.0.0.1',
      'initiate t c 10.0.0.1',
    ]);
    expect(state().state).toBe('UP');
    expect(manager.readiness().ready).toBe(true);
  });

  it('enabled with zero managed connections is never ready', () => {
    const config = new AppConfig();
    config.segw.enabled = true; // what start-up validation refuses; readiness still says no
    const { manager } = build(config);
    expect(manager.readiness()).toMatchObject({ ready: false, detail: { connections: {} } });
  });

  it('lost VICI: retries every second on the scheduler, then re-loads and re-initiates', async () => {
    const { control, manager, scheduler, state } = setup();
    control.reachable.add('10.0.0.1');
    const connect = jest.spyOn(control, 'connect');
    await manager.onApplicationBootstrap();
    await flush();
    control.up = false;
    control.sink!.closed('EOF');
    expect(manager.readiness().ready).toBe(false);
    expect(state().state).toBe('CONNECTING');
    control.calls = [];
    scheduler.advance(999);
    await flush();
    expect(connect).toHaveBeenCalledTimes(1);
    scheduler.advance(1);
    await flush();
    expect(connect).toHaveBeenCalledTimes(2); // charon still down
    control.up = true;
    scheduler.advance(1000);
    await flush();
    expect(connect).toHaveBeenCalledTimes(3);
    expect(control.calls).toEqual([
      'load-shared',
      'terminate t',
      'load t 10.0.0.1',
      'initiate t c 10.0.0.1',
    ]);
    expect(manager.readiness().ready).toBe(true);
  });

  it('history is written to segw.history-file and reloaded by the next gateway', async () => {
    const first = setup();
    first.control.reachable = new Set(['10.0.0.1', '10.0.0.2']);
    await first.manager.onApplicationBootstrap();
    await flush();
    first.control.kill('t');
    await flush();
    await first.manager.onApplicationShutdown();
    const saved = JSON.parse(first.store.files.get('h.json')!);
    expect(saved.history).toEqual([
      expect.objectContaining({ reason: 'ike-down', result: 'success' }),
    ]);
    const second = build(first.config, first.store);
    await second.manager.onApplicationBootstrap();
    expect(second.manager.recentHistory()).toEqual(saved.history);
    await second.manager.onApplicationShutdown();
  });

  it('segw.history-max-age: older entries are dropped at start and then every hour', async () => {
    const store = new MemoryStore();
    const at = (msAgo: number) => ({
      timestamp: new Date(Date.now() - msAgo).toISOString(),
      connection: 't',
      from: '10.0.0.1',
      to: '10.0.0.2',
      reason: 'ike-down',
      code: 'ike-down',
      result: 'success',
    });
    const hour = 3_600_000;
    // newest first, as written: 1 h old, 7 d - 30 min old, 8 d old
    const saved = [at(hour), at(7 * 24 * hour - hour / 2), at(8 * 24 * hour)];
    store.files.set('h.json', JSON.stringify({ history: saved }));
    const { control, manager, scheduler } = build(
      validateConfig({
        insupc: { clients: [{ name: 'I', host: '127.0.0.1', port: 1 }] },
        segw: {
          enabled: true,
          historyFile: 'h.json',
          historyMaxAge: '7d',
          connections: { t: tunnel('10.0.0.1') },
        },
      }),
      store,
    );
    control.reachable.add('10.0.0.1');
    await manager.onApplicationBootstrap();
    expect(manager.recentHistory()).toEqual(saved.slice(0, 2));
    const later = Date.now() + hour;
    const now = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      scheduler.advance(hour - 1);
      expect(manager.recentHistory()).toHaveLength(2);
      scheduler.advance(1); // the hourly purge: the 7 d - 30 min entry is now too old
      expect(manager.recentHistory()).toEqual(saved.slice(0, 1));
    } finally {
      now.mockRestore();
    }
    await manager.onApplicationShutdown();
    expect(JSON.parse(store.files.get('h.json')!).history).toEqual(saved.slice(0, 1));
  });

  it('history-file "" keeps the history in memory only', async () => {
    const { control, manager, store } = setup({ historyFile: '' });
    control.reachable = new Set(['10.0.0.1', '10.0.0.2']);
    await manager.onApplicationBootstrap();
    await flush();
    control.kill('t');
    await flush();
    expect(manager.recentHistory()).toHaveLength(1);
    expect(store.files.size).toBe(0);
  });

  it('INSUPC servers mapped to a connection all lost (after a logon) → its SEGW is probed', async () => {
    const { control, manager, insupc, state } = setup({}, [
      { name: 'I1', host: '10.2.0.1', port: 1, segwConnection: 't' },
      { name: 'I2', host: '10.2.0.2', port: 1, segwConnection: 't' },
      { name: 'OTHER', host: '127.0.0.1', port: 1 },
    ]);
    control.reachable = new Set(['10.0.0.1', '10.0.0.2']);
    await manager.onApplicationBootstrap();
    await flush();
    insupc.listener!('I1', 0); // never logged on: no loss yet
    insupc.listener!('I1', 1);
    insupc.listener!('I2', 1);
    insupc.listener!('I1', 0);
    insupc.listener!('OTHER', 0);
    expect(control.probes).toHaveLength(0); // I2 still logged on
    control.reachable.delete('10.0.0.1');
    insupc.listener!('I2', 0);
    await flush();
    expect(control.probes.map((p) => p.name)).toEqual(['t-probe']);
    expect(state()).toMatchObject({ state: 'UP', current: '10.0.0.2' });
    expect(manager.recentHistory()[0]).toMatchObject({ reason: 'insupc-lost', result: 'success' });
    await manager.onApplicationShutdown();
    expect(insupc.listener).toBeUndefined();
  });

  it('does nothing when disabled', async () => {
    const config = validateConfig({
      insupc: { clients: [{ name: 'I', host: '127.0.0.1', port: 1 }] },
    });
    const { control, manager } = build(config);
    const connect = jest.spyOn(control, 'connect');
    await manager.onApplicationBootstrap();
    expect(connect).not.toHaveBeenCalled();
    expect(manager.readiness()).toEqual({ ready: true, detail: { enabled: false } });
  });
});
