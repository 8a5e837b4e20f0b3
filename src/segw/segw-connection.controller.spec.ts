import { Logger } from '@nestjs/common';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import { SegwPolicyConfig } from '../config/config.schema';
import { SegwCounters } from './segw.counters';
import { LOSS_PROBE_SUFFIX, FAILBACK_PROBE_SUFFIX } from './charon-config';
import { ControllerDeps, SegwConnectionController } from './segw-connection.controller';
import { HistoryStore, SegwHistory } from './segw-history';
import { SEGW_CODES } from './segw-incidents';
import { FakeIpsecControl } from './testing/fake-ipsec-control';
import { toViciConnection } from '../../libs/vici/src';

const A = '10.0.0.1';
const B = '10.0.0.2';
const flush = () => new Promise((r) => setImmediate(r));
const memoryStore: HistoryStore = { read: async () => undefined, writeAtomic: async () => {} };

function conn(addrs = `${A},${B}`, children = ['c']) {
  return toViciConnection({
    remote_addrs: addrs,
    local: { auth: 'psk' },
    remote: { auth: 'psk' },
    children: Object.fromEntries(children.map((c) => [c, { local_ts: '10.1.0.0/24' }])),
  });
}

/** Controllers on fake time and a fake charon; `names` share one control, as in the gateway. */
function setup(policy: Partial<SegwPolicyConfig> = {}, names = ['t'], children = ['c']) {
  const scheduler = new FakeScheduler();
  const control = new FakeIpsecControl();
  const history = new SegwHistory('', memoryStore);
  const counters = new SegwCounters();
  const deps: ControllerDeps = {
    control,
    scheduler,
    history,
    counters,
    policy: Object.assign(new SegwPolicyConfig(), {
      backoffBase: 100,
      backoffMax: 1000,
      maxRetries: 3,
      ...policy,
    }),
    online: () => true,
  };
  const ctl = new Map(
    names.map((n) => [n, new SegwConnectionController(n, conn(undefined, children), deps)]),
  );
  control.sink = {
    ikeUpdown: (up, name, sa) => ctl.get(name)?.ikeUpdown(up, sa),
    closed: () => undefined,
  };
  const c = ctl.get(names[0])!;
  return { scheduler, control, history, counters, deps, ctl, c };
}

describe('SegwConnectionController (fake charon, fake time)', () => {
  beforeAll(() => Logger.overrideLogger(false)); // quiet; spies still see the calls
  it('loads ONE address, initiates every child, and is UP', async () => {
    const { c, control } = setup({}, ['t'], ['c1', 'c2']);
    control.reachable.add(A);
    c.start();
    await flush();
    expect(control.calls).toEqual([
      'terminate t',
      `load t ${A}`,
      `initiate t c1 ${A}`,
      `initiate t c2 ${A}`,
    ]);
    expect(c.view()).toMatchObject({ state: 'UP', current: A, retries: 0 });
  });

  it('SA down: fails over at once, logs the exact lines (section 5.2), history with its code, counters', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const { c, control, history, counters } = setup();
      control.reachable = new Set([A, B]);
      c.start();
      await flush();
      expect(log).toHaveBeenCalledWith({ msg: `SEGW connection t UP via ${A}`, code: 'ok' });
      control.kill('t');
      await flush(); // no time passes: the first switch after a working SA has no delay
      expect(c.view()).toMatchObject({ state: 'UP', current: B });
      expect(warn).toHaveBeenCalledWith({
        msg: `IKE SA of 't' to ${A} went down (code ike-down)`,
        code: 'ike-down',
      });
      expect(warn).toHaveBeenCalledWith({
        msg: `Initiating failover: ${A} -> ${B} (connection t, reason ike-down, retry 1/3)`,
        code: 'ike-down',
      });
      expect(log).toHaveBeenCalledWith({ msg: `SEGW connection t UP via ${B}`, code: 'ok' });
      expect(counters.failovers).toBe(1);
      expect(history.latest()).toEqual([
        expect.objectContaining({
          connection: 't',
          from: A,
          to: B,
          reason: 'ike-down',
          code: 'ike-down',
          result: 'success',
        }),
      ]);
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
  });

  it('every SEGW warning and error line carries a code of the fixed set, as a field and in its text', async () => {
    const lines: unknown[] = [];
    const spies = (['warn', 'error'] as const).map((level) =>
      jest
        .spyOn(Logger.prototype, level)
        .mockImplementation((...args: unknown[]) => void lines.push(args[0])),
    );
    try {
      const { c, control, scheduler } = setup({ maxRetries: 2 });
      control.reachable = new Set([A, B]);
      c.start();
      await flush();
      control.kill('t'); // ike-down
      await flush();
      control.reachable.clear();
      await c.insupcLost(); // insupc-lost, then timeouts to FAILED
      for (let i = 0; i < 20 && c.state !== 'FAILED'; i++) {
        scheduler.advance(50);
        await flush();
      }
      expect(c.state).toBe('FAILED');
      expect(lines).toContainEqual({
        msg: expect.stringMatching(
          /^SEGW connection t FAILED after 2 retries; last failure connection-timeout \(initiate: timeout\); next try in 1000 ms \(code max-retry-exceeded\)$/,
        ),
        code: 'max-retry-exceeded',
      });
      expect(lines.length).toBeGreaterThan(5);
      for (const line of lines) {
        const { msg, code } = line as { msg: string; code: (typeof SEGW_CODES)[number] };
        expect(SEGW_CODES).toContain(code);
        expect(msg).toMatch(new RegExp(`\\((?:code|connection t, reason) ${code}\\b`));
      }
      const codes = new Set(lines.map((l) => (l as { code: string }).code));
      expect([...codes].sort()).toEqual([
        'connection-timeout',
        'ike-down',
        'insupc-lost',
        'max-retry-exceeded',
      ]);
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });

  it('codes of failed attempts: charon timeout, charon refusal, a refused load-conn, one address only', async () => {
    const { c, control, history } = setup({ maxRetries: 5 });
    control.reachable = new Set([B]);
    c.start(); // A times out (the fake's "timeout"), then B
    await flush();
    expect(history.latest(1)[0]).toMatchObject({
      reason: 'initiate: timeout',
      code: 'connection-timeout',
      result: 'success',
    });
    control.initiate = async () => ({ ok: false, error: 'establishing CHILD_SA failed' });
    c.failoverNow();
    await flush();
    const refused = 'failed: initiate: establishing CHILD_SA failed';
    expect(history.latest(3).map((e) => [e.code, e.result])).toEqual([
      ['strongswan-api-failed', 'pending'], // retry 2 waits its backoff
      ['strongswan-api-failed', refused],
      ['operator', refused],
    ]);
    const single = setup({}, ['s']);
    const s = new SegwConnectionController('s', conn(A), single.deps);
    single.control.loadConn = () => Promise.reject(new Error('load-conn failed: unknown option'));
    s.start();
    await flush();
    expect(single.history.latest(1)[0]).toMatchObject({
      from: A,
      to: A,
      reason: 'initiate: load-conn failed: unknown option',
      code: 'no-alternative-segw',
      result: 'pending',
    });
  });

  it('ignores a down event of an SA to an address already left, or of another SA', async () => {
    const { c, control } = setup();
    control.reachable = new Set([A, B]);
    c.start();
    await flush();
    c.ikeUpdown(false, { uniqueId: '999', remoteHost: A });
    c.failoverNow();
    await flush();
    c.ikeUpdown(false, { uniqueId: '1', remoteHost: A });
    expect(c.view()).toMatchObject({ state: 'UP', current: B });
  });

  it('backoff on fake time: 0, base, base*multiplier; FAILED after max-retries is a history entry', async () => {
    const { c, control, scheduler, history } = setup({ maxRetries: 3 });
    c.start();
    await flush();
    const initiates = () => control.calls.filter((x) => x.startsWith('initiate')).length;
    expect(initiates()).toBe(2); // first try on A, retry 1 on B at once
    scheduler.advance(99);
    await flush();
    expect(initiates()).toBe(2);
    scheduler.advance(1); // retry 2 after backoff-base
    await flush();
    expect(initiates()).toBe(3);
    scheduler.advance(199);
    await flush();
    expect(initiates()).toBe(3);
    scheduler.advance(1); // retry 3 after base * multiplier
    await flush();
    expect(initiates()).toBe(4);
    expect(c.state).toBe('FAILED');
    expect(history.latest()[0]).toMatchObject({
      reason: 'initiate: timeout',
      code: 'max-retry-exceeded',
      result: 'failed: max-retries',
    });
    // retried only after backoff-max, then a recovery entry once up
    control.reachable.add(A);
    scheduler.advance(999);
    await flush();
    expect(c.state).toBe('FAILED');
    scheduler.advance(1);
    await flush();
    expect(c.state).toBe('UP');
    expect(history.latest(2).map((e) => [e.reason, e.code, e.result])).toEqual([
      ['recovered-from-failed', 'ok', 'success'],
      ['retry-after-failed', 'max-retry-exceeded', 'success'],
    ]);
  });

  it('an admin action racing an initiate: the running attempt is superseded, the action wins', async () => {
    const { c, control, history } = setup();
    control.reachable = new Set([A, B]);
    c.start();
    await flush();
    control.hold = true;
    control.kill('t'); // failover to B; its initiate waits
    await flush();
    expect(c.view()).toMatchObject({ state: 'CONNECTING', current: B });
    c.primaryNow(); // back to A while B's initiate is in flight
    await flush();
    control.release();
    await flush();
    expect(c.view()).toMatchObject({ state: 'UP', current: A });
    expect(history.latest(2).map((e) => [e.reason, e.code, e.to, e.result])).toEqual([
      ['manual-primary', 'operator', A, 'success'],
      ['ike-down', 'ike-down', B, 'superseded'],
    ]);
  });

  it('INSUPC lost, SEGW dead: probe on <name>-probe, then failover at once (insupc-lost)', async () => {
    const { c, control } = setup({ probeTimeout: 700 });
    control.reachable = new Set([A, B]);
    c.start();
    await flush();
    control.reachable.delete(A); // dead, but DPD has not noticed: the SA still counts as UP
    await c.insupcLost();
    await flush();
    expect(control.probes).toEqual([
      expect.objectContaining({ name: `t${LOSS_PROBE_SUFFIX}`, timeoutMs: 700 }),
    ]);
    expect(control.probes[0].conn).toMatchObject({ remote_addrs: [A] });
    expect(control.probes[0].conn.children).toBeUndefined();
    expect(c.view()).toMatchObject({ state: 'UP', current: B });
  });

  it('INSUPC lost, SEGW alive: the exact log line, SA kept, no second probe within backoff-max', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const { c, control, scheduler, history } = setup({ backoffMax: 1000 });
      control.reachable = new Set([A, B]);
      c.start();
      await flush();
      await c.insupcLost();
      expect(log).toHaveBeenCalledWith(
        `SEGW ${A} answers; INSUPC loss through 't' is not the tunnel`,
      );
      expect(control.sas.get('t')).toBe('1'); // the managed SA untouched
      await c.insupcLost();
      scheduler.advance(999);
      await c.insupcLost();
      expect(control.probes).toHaveLength(1);
      scheduler.advance(1);
      await c.insupcLost();
      expect(control.probes).toHaveLength(2);
      expect(c.view()).toMatchObject({ state: 'UP', current: A });
      expect(history.latest()).toEqual([]);
    } finally {
      log.mockRestore();
    }
  });

  it('at most one probe at a time; no probe unless UP or with insupc-loss-probe off', async () => {
    const { c, control, deps } = setup();
    control.reachable = new Set([A, B]);
    control.holdProbes = true;
    c.start();
    await flush();
    const first = c.insupcLost();
    const second = c.insupcLost();
    await flush();
    expect(control.probes).toHaveLength(1);
    control.releaseProbes();
    await Promise.all([first, second]); // the second waited, then found the SEGW just answered
    expect(control.probes).toHaveLength(1);
    deps.policy.insupcLossProbe = false;
    deps.policy.backoffMax = 0;
    await c.insupcLost();
    expect(control.probes).toHaveLength(1);
  });

  it('failback=primary on fake time: probes the primary every backoff-max, moves back once it answers', async () => {
    const { c, control, scheduler, history } = setup({ failback: 'primary', backoffMax: 500 });
    control.reachable.add(B);
    c.start();
    await flush();
    expect(c.view()).toMatchObject({ state: 'UP', current: B });
    scheduler.advance(500);
    await flush();
    expect(control.probes.map((p) => p.name)).toEqual([`t${FAILBACK_PROBE_SUFFIX}`]);
    expect(c.view().current).toBe(B);
    control.reachable.add(A);
    scheduler.advance(500);
    await flush();
    expect(c.view()).toMatchObject({ state: 'UP', current: A });
    expect(history.latest()[0]).toMatchObject({
      from: B,
      to: A,
      reason: 'failback',
      result: 'success',
    });
    scheduler.advance(5000);
    await flush();
    expect(control.probes).toHaveLength(2); // on the primary: no more probes
  });

  it('connections are independent: one fails over, the other keeps its SA, retries and history', async () => {
    const { ctl, control, history } = setup({}, ['t1', 't2']);
    control.reachable = new Set([A, B]);
    for (const c of ctl.values()) c.start();
    await flush();
    const sa2 = control.sas.get('t2');
    control.kill('t1');
    await flush();
    expect(ctl.get('t1')!.view()).toMatchObject({ state: 'UP', current: B });
    expect(ctl.get('t2')!.view()).toMatchObject({ state: 'UP', current: A, retries: 0 });
    expect(control.sas.get('t2')).toBe(sa2);
    expect(control.calls.filter((x) => x.includes(' t2'))).toHaveLength(3); // its start only
    expect(history.latest().map((e) => e.connection)).toEqual(['t1']);
  });

  it('IKE SA up but a child refused: a failure with backoff, not UP (no tight loop)', async () => {
    const { c, control, scheduler } = setup({}, ['t'], ['c1', 'c2']);
    control.reachable = new Set([A, B]);
    const initiate = control.initiate.bind(control);
    control.initiate = async (ike, child) =>
      child === 'c2' ? { ok: false, error: 'TS_UNACCEPTABLE' } : initiate(ike, child);
    c.start();
    await flush();
    expect(c.view()).toMatchObject({ state: 'DOWN', retries: 2 }); // A, then B at once, then backoff
    const before = control.calls.length;
    scheduler.advance(99);
    await flush();
    expect(control.calls.length).toBe(before);
  });

  it('INSUPC lost while a failback probe runs: the loss probe follows it, not dropped', async () => {
    const { c, control, scheduler, history } = setup({ failback: 'primary', backoffMax: 500 });
    control.reachable.add(B);
    c.start();
    await flush();
    control.holdProbes = true;
    scheduler.advance(500); // failback probe to the dead primary, held
    await flush();
    control.reachable.delete(B); // now the current SEGW dies too, DPD not yet aware
    const lost = c.insupcLost();
    await flush();
    expect(control.probes.map((p) => p.name)).toEqual([`t${FAILBACK_PROBE_SUFFIX}`]);
    control.releaseProbes();
    await lost;
    await flush();
    expect(control.probes.map((p) => p.name)).toEqual([
      `t${FAILBACK_PROBE_SUFFIX}`,
      `t${LOSS_PROBE_SUFFIX}`,
    ]);
    expect(history.latest().map((e) => e.reason)).toContain('insupc-lost');
  });
});
