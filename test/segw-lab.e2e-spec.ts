/**
 * SEGW failover against real strongSwan charons in network namespaces (test/lab/segw-lab.sh).
 * The gateway runs in this process and only touches the initiator's VICI unix socket; all
 * IKE/ESP traffic stays inside the lab namespaces. Needs root, netns and apt-get: where
 * the machine cannot host the lab the suite says so loudly and is skipped, never passed.
 */
import { readFileSync } from 'node:fs';
import { ViciClient, ViciSection } from '../libs/vici/src';
import { startGateway, Gateway } from '../src/bootstrap';
import { AppConfig } from '../src/config/config.schema';
import { FAILBACK_PROBE_SUFFIX as PROBE_SUFFIX } from '../src/segw/charon-config';
import { describeIfLabRuns, LabEnv, labDown, labTunnel, labUp, runLab } from './lab/lab-helpers';
import { http } from './support/http';
import { testConfig } from './support/test-config';
import { pollFor } from './support/wait-for';

interface SegwView {
  vici: string;
  connections: Array<{ name: string; addresses: string[]; current: string; state: string }>;
}
interface HistoryView {
  history: Array<{ connection: string; from: string; to: string; reason: string; result: string }>;
}

const describeLab = describeIfLabRuns('SEGW lab tests');
const lab = (...args: string[]) => runLab(process.env, ...args);

describeLab('SEGW failover through real strongSwan (lab, control plane)', () => {
  jest.setTimeout(90_000);
  let env: LabEnv;
  let gw: Gateway | undefined;
  let config: AppConfig;

  const getJson = async <T>(path: string): Promise<T> =>
    (await http(gw!.httpPort, 'GET', path)).body as T;
  const segw = () => getJson<SegwView>('/segw');
  const conn = async () => (await segw()).connections[0];
  const upOn = (addr: string) => async () => {
    const c = await conn();
    return c.state === 'UP' && c.current === addr ? c : undefined;
  };
  /** IKE SAs the initiator charon has, through our own VICI client (streamed list-sas). */
  const listSas = async (): Promise<ViciSection[]> => {
    const v = await ViciClient.connect(env.SEGW_LAB_VICI);
    try {
      const sas: ViciSection[] = [];
      await v.streamedRequest('list-sas', 'list-sa', {}, (m) => {
        for (const sa of Object.values(m)) sas.push(sa as ViciSection);
      });
      return sas;
    } finally {
      v.close();
    }
  };

  beforeAll(async () => {
    env = labUp(process.env, 2);
    config = testConfig({
      segw: {
        enabled: true,
        viciSocket: env.SEGW_LAB_VICI,
        policy: { maxRetries: 2, backoffBase: 200, backoffMax: 60_000, initiateTimeout: 5000 },
        ...labTunnel(env),
      },
    });
    gw = await startGateway(config);
  }, 300_000);

  afterAll(async () => {
    try {
      await gw?.close();
    } finally {
      labDown(process.env);
    }
  }, 70_000);

  /** probe IKE SAs the initiator charon has started so far (its log, ike level 2). */
  const probesStarted = () =>
    readFileSync(env.SEGW_LAB_LOG, 'utf8').split(`initiating IKE_SA insupc-tunnel${PROBE_SUFFIX}`)
      .length - 1;

  it('brings the tunnel up to SEGW 1 with one remote address loaded', async () => {
    const c = await pollFor('tunnel up on SEGW 1', upOn('10.99.1.2'), 15_000);
    expect(c.addresses).toEqual(['10.99.1.2', '10.99.2.2']);
    const sas = await listSas();
    expect(sas.map((s) => [s.state, s['remote-host']])).toEqual([['ESTABLISHED', '10.99.1.2']]);
  });

  it('SEGW 1 killed: the tunnel is up on SEGW 2 within the bound, history says so', async () => {
    // From here on failback=primary probes SEGW 1 (scheduled when the SA to SEGW 2 is up).
    config.segw.policy.failback = 'primary';
    config.segw.policy.backoffMax = 1000;
    config.segw.policy.initiateTimeout = 1000;
    const t0 = Date.now();
    lab('stop-segw', '1');
    await pollFor('tunnel up on SEGW 2', upOn('10.99.2.2'), 15_000);
    const seconds = (Date.now() - t0) / 1000;
    process.stderr.write(
      `SEGW lab: SEGW 1 killed -> tunnel up on SEGW 2 after ${seconds.toFixed(1)} s\n`,
    );
    expect(seconds).toBeLessThan(10);
    const h = await getJson<HistoryView>('/segw/history?limit=5');
    expect(h.history[0]).toMatchObject({
      connection: 'insupc-tunnel',
      from: '10.99.1.2',
      to: '10.99.2.2',
      reason: 'ike-down',
      result: 'success',
    });
    const sas = await listSas();
    expect(sas.map((s) => s['remote-host'])).toEqual(['10.99.2.2']);
  });

  it('failback=primary: stays on SEGW 2 while SEGW 1 is dead, moves back once a probe gets through', async () => {
    const before = probesStarted();
    // two probes started = the first one to the dead SEGW 1 has ended (failed) in between
    await pollFor(
      'two failback probes',
      () => (probesStarted() >= before + 2 ? true : undefined),
      10_000,
    );
    expect(await conn()).toMatchObject({ state: 'UP', current: '10.99.2.2' });
    const h = await getJson<HistoryView>('/segw/history?limit=1');
    expect(h.history[0].reason).toBe('ike-down'); // no blind move back
    lab('start-segw', '1');
    const t0 = Date.now();
    await pollFor('back on SEGW 1', upOn('10.99.1.2'), 10_000);
    process.stderr.write(
      `SEGW lab: SEGW 1 back -> failback to it after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    config.segw.policy.failback = 'none';
    config.segw.policy.backoffMax = 60_000;
    const after = await getJson<HistoryView>('/segw/history?limit=1');
    expect(after.history[0]).toMatchObject({
      from: '10.99.2.2',
      to: '10.99.1.2',
      reason: 'failback',
      result: 'success',
    });
    // neither the probe's SA nor the one to SEGW 2 survives
    await pollFor(
      'only the SA to SEGW 1',
      async () => {
        const sas = await listSas();
        return sas.length === 1 && sas[0]['remote-host'] === '10.99.1.2' ? true : undefined;
      },
      5_000,
    );
  });

  it('manual failover and back to primary; no stale SA to the SEGW left', async () => {
    const action = (name: string) =>
      http(gw!.httpPort, 'POST', `/segw/insupc-tunnel/actions/${name}`);
    expect((await action('failover')).status).toBe(202);
    await pollFor('tunnel up on SEGW 2', upOn('10.99.2.2'), 15_000);
    const onlyTo = (addr: string) => async () => {
      const sas = await listSas();
      return sas.length === 1 && sas[0]['remote-host'] === addr ? true : undefined;
    };
    await pollFor('no stale SA to SEGW 1', onlyTo('10.99.2.2'), 5_000);
    expect((await action('primary')).status).toBe(202);
    await pollFor('tunnel up on SEGW 1', upOn('10.99.1.2'), 15_000);
    await pollFor('no stale SA to SEGW 2', onlyTo('10.99.1.2'), 5_000);
  });

  it('charon restarted: VICI reconnected, connection re-loaded and back up', async () => {
    lab('stop-init');
    await pollFor(
      'VICI loss noticed',
      async () => ((await segw()).vici === 'disconnected' ? true : undefined),
      5_000,
    );
    const t0 = Date.now();
    lab('start-init');
    const c = await pollFor(
      'tunnel up again',
      async () => {
        const s = await segw();
        return s.vici === 'connected' && s.connections[0].state === 'UP'
          ? s.connections[0]
          : undefined;
      },
      20_000,
    );
    expect(c.current).toBe('10.99.1.2');
    // reconnect every second: the new charon is found within about one period
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((await listSas()).map((s) => s['remote-host'])).toEqual(['10.99.1.2']);
  });

  it('both SEGWs dead, initiates time out: FAILED after max-retries, not ready, no half-open SA', async () => {
    // initiate-timeout (1 s, set above) is shorter than the lab charon's own give-up (~3.6 s),
    // so every attempt ends by the timeout: terminated and counted as a failure.
    lab('stop-segw', '1');
    lab('stop-segw', '2');
    const t0 = Date.now();
    await pollFor(
      'FAILED',
      async () => ((await conn()).state === 'FAILED' ? true : undefined),
      20_000,
    );
    process.stderr.write(
      `SEGW lab: both SEGWs killed -> FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const ready = await http(gw!.httpPort, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details.segw).toMatchObject({
      status: 'down',
      connections: { 'insupc-tunnel': 'FAILED' },
    });
    const h = await getJson<HistoryView>('/segw/history?limit=2');
    expect(h.history.map((e) => e.result)).toEqual([
      expect.stringMatching(/^failed: initiate: .*not established after 1000ms/),
      expect.stringMatching(/^failed: initiate: .*not established after 1000ms/),
    ]);
    expect(await listSas()).toEqual([]);
  });
});
