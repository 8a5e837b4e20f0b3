import { validateConfig } from '../config/config.loader';
import { AppConfig } from '../config/config.schema';
import { SegwCounters } from './segw.counters';
import { Logger } from '@nestjs/common';
import { InitiateResult, IpsecControl, IpsecEventSink } from './ipsec-control';
import { PROBE_SUFFIX, SegwFailoverManager } from './segw-failover.manager';

/** In-memory charon: records calls; `reachable` decides which addresses initiate to. */
class FakeControl implements IpsecControl {
  calls: string[] = [];
  reachable = new Set<string>();
  sink?: IpsecEventSink;
  up = true;
  private loaded = new Map<string, string>();
  private id = 0;

  async connect(sink: IpsecEventSink) {
    if (!this.up) throw new Error('ENOENT');
    this.sink = sink;
    return { daemon: 'charon', version: 'fake' };
  }
  close() {}
  async loadShared() {
    this.calls.push('load-shared');
  }
  async loadConn(name: string, conn: Record<string, unknown>) {
    const addr = (conn.remote_addrs as string[])[0];
    this.loaded.set(name, addr);
    this.calls.push(`load ${name} ${addr}`);
  }
  async initiate(ike: string): Promise<InitiateResult> {
    const addr = this.loaded.get(ike)!;
    this.calls.push(`initiate ${ike} ${addr}`);
    if (!this.reachable.has(addr)) return { ok: false, error: 'timeout' };
    this.sink!.ikeUpdown(true, ike, { uniqueId: String(++this.id), remoteHost: addr });
    return { ok: true };
  }
  async terminateIke(ike: string) {
    this.calls.push(`terminate ${ike}`);
  }
  probes: Array<{ name: string; conn: Record<string, unknown> }> = [];
  async probe(name: string, conn: Record<string, unknown>) {
    this.probes.push({ name, conn });
    return this.reachable.has((conn.remote_addrs as string[])[0]);
  }
  kill(ike: string) {
    this.sink!.ikeUpdown(false, ike, {
      uniqueId: String(this.id),
      remoteHost: this.loaded.get(ike),
    });
  }
}

async function waitFor(cond: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

function setup(policy: Partial<AppConfig['segw']['policy']> = {}, addrs = '10.0.0.1, 10.0.0.2') {
  const config = validateConfig({
    insupc: { clients: [{ name: 'I', host: '127.0.0.1', port: 1 }] },
    segw: {
      enabled: true,
      policy: { backoffBase: 5, backoffMax: 20, maxRetries: 3, ...policy },
      connections: { t: { remote_addrs: addrs, children: { c: { local_ts: ['10.1.0.0/24'] } } } },
      secrets: [{ type: 'ike', id: 'a@b', secret: 's' }],
    },
  });
  const control = new FakeControl();
  const stats = new SegwCounters();
  const manager = new SegwFailoverManager(config, control, stats);
  return { control, stats, manager, state: () => manager.describe()[0] };
}

describe('SegwFailoverManager (fake charon)', () => {
  const running: SegwFailoverManager[] = [];
  afterEach(() => running.splice(0).forEach((m) => m.onApplicationShutdown()));

  it('loads secrets and the connection with ONE address, initiates, and is ready when up', async () => {
    const { control, manager, state } = setup();
    running.push(manager);
    control.reachable.add('10.0.0.1');
    manager.onApplicationBootstrap();
    await waitFor(() => state().state === 'UP');
    expect(control.calls).toEqual([
      'load-shared',
      'terminate t',
      'load t 10.0.0.1',
      'initiate t 10.0.0.1',
    ]);
    expect(manager.readiness().ready).toBe(true);
  });

  it('fails over to the next SEGW when the SA goes down, records history and counters', async () => {
    const { control, manager, stats, state } = setup();
    running.push(manager);
    control.reachable = new Set(['10.0.0.1', '10.0.0.2']);
    manager.onApplicationBootstrap();
    await waitFor(() => state().state === 'UP');
    control.reachable.delete('10.0.0.1');
    control.kill('t');
    await waitFor(() => state().state === 'UP' && state().current === '10.0.0.2');
    expect(stats.failovers).toBe(1);
    expect(manager.recentHistory()[0]).toMatchObject({
      connection: 't',
      from: '10.0.0.1',
      to: '10.0.0.2',
      reason: 'ike-down',
      result: 'success',
    });
  });

  it('ignores a down event of an SA to an address it already left', async () => {
    const { control, manager, state } = setup();
    running.push(manager);
    control.reachable = new Set(['10.0.0.1', '10.0.0.2']);
    manager.onApplicationBootstrap();
    await waitFor(() => state().state === 'UP');
    manager.failoverNow('t');
    await waitFor(() => state().state === 'UP' && state().current === '10.0.0.2');
    control.sink!.ikeUpdown(false, 't', { uniqueId: '1', remoteHost: '10.0.0.1' });
    expect(state()).toMatchObject({ state: 'UP', current: '10.0.0.2' });
  });

  it('both SEGWs dead: FAILED after max-retries, not ready, and retried after backoff-max', async () => {
    const { control, manager, stats, state } = setup();
    running.push(manager);
    manager.onApplicationBootstrap();
    await waitFor(() => state().state === 'FAILED');
    expect(stats.initiateFailures).toBe(4); // first try + 3 retries
    expect(manager.readiness().ready).toBe(false);
    control.reachable.add('10.0.0.2');
    await waitFor(() => state().state === 'UP');
    expect(manager.recentHistory().map((h) => h.reason)).toContain('retry-after-failed');
  });

  it('manual primary and unknown names', async () => {
    const { control, manager, state } = setup();
    running.push(manager);
    control.reachable = new Set(['10.0.0.1', '10.0.0.2']);
    manager.onApplicationBootstrap();
    await waitFor(() => state().state === 'UP');
    manager.failoverNow('t');
    await waitFor(() => state().current === '10.0.0.2' && state().state === 'UP');
    manager.primaryNow('t');
    await waitFor(() => state().current === '10.0.0.1' && state().state === 'UP');
    expect(() => manager.failoverNow('nope')).toThrow('no managed SEGW');
  });

  it('failback=primary probes the primary and moves back only once it answers', async () => {
    const { control, manager, state } = setup({ failback: 'primary' });
    running.push(manager);
    control.reachable.add('10.0.0.2');
    manager.onApplicationBootstrap();
    await waitFor(() => state().state === 'UP' && state().current === '10.0.0.2');
    // primary still dead: probed (IKE only, on its own connection name), never switched to
    await waitFor(() => control.probes.length >= 3);
    expect(state()).toMatchObject({ state: 'UP', current: '10.0.0.2' });
    expect(manager.recentHistory().map((h) => h.reason)).not.toContain('failback');
    expect(control.probes[0].name).toBe(`t${PROBE_SUFFIX}`);
    expect(control.probes[0].conn).toMatchObject({ remote_addrs: ['10.0.0.1'], keyingtries: 1 });
    expect(control.probes[0].conn.children).toBeUndefined();
    control.calls = [];
    control.reachable.add('10.0.0.1');
    await waitFor(() => state().state === 'UP' && state().current === '10.0.0.1');
    expect(manager.recentHistory()[0]).toMatchObject({
      from: '10.0.0.2',
      to: '10.0.0.1',
      reason: 'failback',
      result: 'success',
    });
    // the SA to the secondary is torn down before the primary is loaded
    expect(control.calls.slice(0, 2)).toEqual(['terminate t', 'load t 10.0.0.1']);
    const probes = control.probes.length;
    await new Promise((r) => setTimeout(r, 60)); // 3 × backoff-max: on the primary, no probing
    expect(control.probes.length).toBe(probes);
  });

  it('failback=none never probes nor moves back', async () => {
    const { control, manager, state } = setup();
    running.push(manager);
    control.reachable.add('10.0.0.2');
    manager.onApplicationBootstrap();
    await waitFor(() => state().state === 'UP' && state().current === '10.0.0.2');
    control.reachable.add('10.0.0.1');
    await new Promise((r) => setTimeout(r, 60)); // 3 × backoff-max
    expect(control.probes).toHaveLength(0);
    expect(state().current).toBe('10.0.0.2');
  });

  it('logs the exact failover line', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const { control, manager, state } = setup();
      running.push(manager);
      control.reachable = new Set(['10.0.0.1', '10.0.0.2']);
      manager.onApplicationBootstrap();
      await waitFor(() => state().state === 'UP');
      control.kill('t');
      await waitFor(() => state().current === '10.0.0.2' && state().state === 'UP');
      expect(warn).toHaveBeenCalledWith('Initiating failover: 10.0.0.1 -> 10.0.0.2');
    } finally {
      warn.mockRestore();
    }
  });

  it('a failed or timed-out initiate terminates the half-open SA and counts as a failure', async () => {
    const { control, manager, stats, state } = setup({ maxRetries: 5 });
    running.push(manager);
    control.reachable.add('10.0.0.2');
    manager.onApplicationBootstrap();
    await waitFor(() => state().state === 'UP');
    expect(control.calls).toEqual([
      'load-shared',
      'terminate t',
      'load t 10.0.0.1',
      'initiate t 10.0.0.1',
      'terminate t', // the half-open attempt to 10.0.0.1
      'terminate t',
      'load t 10.0.0.2',
      'initiate t 10.0.0.2',
    ]);
    expect(stats.initiateFailures).toBe(1);
    expect(manager.recentHistory()[0]).toMatchObject({
      from: '10.0.0.1',
      to: '10.0.0.2',
      reason: 'initiate: timeout',
      result: 'success',
    });
    expect(state().retries).toBe(0); // reset by the established SA
  });

  it('lost VICI: retries every second, then re-loads and re-initiates every connection', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      const { control, manager, state } = setup();
      running.push(manager);
      control.reachable.add('10.0.0.1');
      const connect = jest.spyOn(control, 'connect');
      manager.onApplicationBootstrap();
      await waitFor(() => state().state === 'UP');
      control.up = false;
      control.sink!.closed('EOF');
      expect(manager.readiness().ready).toBe(false);
      expect(state().state).toBe('CONNECTING');
      control.calls = [];
      const before = connect.mock.calls.length;
      await jest.advanceTimersByTimeAsync(999);
      expect(connect.mock.calls.length).toBe(before);
      await jest.advanceTimersByTimeAsync(1);
      expect(connect.mock.calls.length).toBe(before + 1); // failed: charon still down
      await jest.advanceTimersByTimeAsync(1000);
      expect(connect.mock.calls.length).toBe(before + 2);
      control.up = true;
      await jest.advanceTimersByTimeAsync(1000);
      await waitFor(() => state().state === 'UP');
      expect(control.calls).toEqual([
        'load-shared',
        'terminate t',
        'load t 10.0.0.1',
        'initiate t 10.0.0.1',
      ]);
      expect(manager.readiness().ready).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does nothing when disabled', () => {
    const config = validateConfig({
      insupc: { clients: [{ name: 'I', host: '127.0.0.1', port: 1 }] },
    });
    const control = new FakeControl();
    const connect = jest.spyOn(control, 'connect');
    const m = new SegwFailoverManager(config, control, new SegwCounters());
    m.onApplicationBootstrap();
    expect(connect).not.toHaveBeenCalled();
    expect(m.readiness()).toEqual({ ready: true, detail: { enabled: false } });
  });
});
