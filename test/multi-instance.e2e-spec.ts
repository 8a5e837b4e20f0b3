/**
 * Several instances behind an L4 balancer (operations spec 6.1), on one machine: three
 * gateway processes share one OAM file, HAProxy (TCP mode) stands in for the Kubernetes
 * Service, several clients keep executes in flight through it.
 * - the shared OAM file flipped on disk reaches every instance within 2 s, no reload call;
 * - SIGTERM to one instance under load: its in-flight executes are answered, its clients
 *   reconnect through HAProxy to the others, no execute is lost or answered twice.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { InsupcSimulator, startSimulator } from '../apps/insupc-simulator/src';
import {
  freePort,
  gatewayFrontYaml,
  gatewayPorts,
  RealProcess,
  spawnGateway,
  TempDir,
  waitGatewayReady,
} from './support/real-processes';
import { Haproxy } from './support/haproxy';
import { http } from './support/http';
import { ReconnectingLoadClient } from './support/reconnecting-load-client';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { waitFor } from './support/wait-for';

const INSTANCES = 3;
const CLIENTS = 6;
const OAM_APPLY_LIMIT_MS = 2000;
const BLOCKED_RESULT = 3;

interface Instance {
  name: string;
  httpPort: number;
  sipsvcPort: number;
  proc: RealProcess;
}

const oamDoc = (state: string) =>
  `${JSON.stringify({ systemName: 'AMAS11', appStates: { sipsvc: 'RUNNING', insupclient: state } })}\n`;

describe('several instances behind HAProxy (e2e)', () => {
  const dir = new TempDir();
  const oamFile = dir.file('oam-conf.json');
  let sim: InsupcSimulator;
  let haproxy: Haproxy;
  const instances: Instance[] = [];
  let clients: ReconnectingLoadClient[] = [];

  /** as an operator or the kubelet does it: a new file renamed over the old one */
  function writeOam(state: string): void {
    writeFileSync(`${oamFile}.new`, oamDoc(state));
    renameSync(`${oamFile}.new`, oamFile);
  }

  const state = async (i: Instance) => (await http(i.httpPort, 'GET', '/state')).body;

  beforeAll(async () => {
    Haproxy.assertInstalled();
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1', port: 0 }] });
    writeOam('RUNNING');
    for (let n = 0; n < INSTANCES; n++) {
      const name = `gw${n}`;
      const { http: httpPort, sipsvc: sipsvcPort } = await gatewayPorts();
      const config = dir.write(
        `${name}.yaml`,
        `
application:
  state-server: { interval: 60000, stat-file: ${dir.file(`${name}-stats.json`)} }
  shutdown: { drain-timeout: 8000 }
${gatewayFrontYaml({ http: httpPort, sipsvc: sipsvcPort })}
insupc:
  clients:
    - { name: INSUPC-1, host: 127.0.0.1, port: ${sim.port('INSUPC-1')}, retry-interval: 50 }
oam: { config: { path: ${oamFile} } }
logging: { level: info }
`,
      );
      instances.push({ name, httpPort, sipsvcPort, proc: spawnGateway(config) });
    }
    for (const i of instances) await waitGatewayReady(i.proc, i.httpPort);
    haproxy = new Haproxy(
      dir.file('haproxy.cfg'),
      await freePort(),
      instances.map((i) => ({ name: i.name, port: i.sipsvcPort })),
    );
    await haproxy.start();
  }, 60000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
    await haproxy?.stop();
    for (const i of instances) await i.proc.kill();
    await sim?.stop();
    dir.remove();
  });

  it('spreads the clients over every instance', async () => {
    sim.setResponseDelay(20);
    clients = Array.from(
      { length: CLIENTS },
      (_, n) => new ReconnectingLoadClient(`c${n}`, haproxy.port),
    );
    await Promise.all(clients.map((c) => c.start()));
    await waitFor(() => clients.every((c) => c.ok >= 5), 15000, 'every client served');
    // HAProxy's round robin is not an exact rotation under concurrent connects (a 3/2/1 split
    // was seen on two cores, with no client connection refused, closed or retried): every
    // instance serves some clients, and all of them are served
    const perInstance = await Promise.all(
      instances.map(async (i) => (await state(i)).sipsvcConnections.authenticated as number),
    );
    for (const n of perInstance) expect(n).toBeGreaterThan(0);
    expect(perInstance.reduce((a, b) => a + b, 0)).toBe(CLIENTS);
  });

  it('applies the shared OAM file flipped on disk on every instance within 2 s', async () => {
    // one directly connected client per instance sees when that instance refuses executes
    const probes: SipsvcTestClient[] = [];
    for (const i of instances) {
      const p = await connectSipsvc(i.sipsvcPort);
      await p.authOk();
      probes.push(p);
    }
    try {
      clients.forEach((c) => c.pause());
      await waitFor(() => clients.every((c) => c.inFlight === 0), 10000, 'load paused');

      const flippedAt = Date.now();
      writeOam('BLOCKED');
      const refusedAfter = await Promise.all(
        probes.map(async (p) => {
          await waitFor(
            async () => (await p.execute('mcidGetProfile', ['probe'])).result === BLOCKED_RESULT,
            OAM_APPLY_LIMIT_MS * 2,
            'execute refused as BLOCKED',
          );
          return Date.now() - flippedAt;
        }),
      );
      expect(Math.max(...refusedAfter)).toBeLessThan(OAM_APPLY_LIMIT_MS);
      for (const i of instances) {
        expect((await state(i)).state).toBe('BLOCKED');
        expect(i.proc.output()).toContain('OAM state changed on disk: RUNNING -> BLOCKED');
      }

      writeOam('RUNNING');
      await Promise.all(
        probes.map((p) =>
          waitFor(
            async () => (await p.execute('mcidGetProfile', ['probe'])).result === 0,
            OAM_APPLY_LIMIT_MS,
            'execute served again',
          ),
        ),
      );
      for (const i of instances) {
        expect(i.proc.output()).toContain('OAM state changed on disk: BLOCKED -> RUNNING');
      }
    } finally {
      await Promise.all(probes.map((p) => p.close()));
      clients.forEach((c) => c.resume());
    }
  });

  it('SIGTERM to one instance under load: answered, reconnected, nothing lost or doubled', async () => {
    const [victim, ...others] = instances;
    // slow answers, so the victim has executes in flight when the signal comes
    sim.setResponseDelay(300);
    await waitFor(
      async () => (await state(victim)).messageMappingSize > 0,
      10000,
      'executes in flight on the victim',
    );
    const okBefore = clients.map((c) => c.ok);
    const victimClients = (await state(victim)).sipsvcConnections.authenticated as number;
    expect(victimClients).toBeGreaterThan(0);
    victim.proc.proc.kill('SIGTERM');
    expect(await victim.proc.exited).toBe(0);
    expect(victim.proc.output()).toMatch(/Waiting for [1-9]\d* in-flight requests/);
    expect(victim.proc.output()).toContain('Graceful shutdown complete');

    // exactly the victim's clients were closed, and they are served again by the others
    const moved = clients.filter((c) => c.closedByServer > 0);
    expect(moved).toHaveLength(victimClients);
    await waitFor(
      () => clients.every((c, n) => c.closedByServer === 0 || c.ok > okBefore[n] + 5),
      15000,
      'the moved clients served through the other instances',
    );
    const authenticated = await Promise.all(
      others.map(async (i) => (await state(i)).sipsvcConnections.authenticated),
    );
    expect(authenticated.reduce((a, b) => a + b, 0)).toBe(CLIENTS);

    sim.setResponseDelay(0);
    await Promise.all(clients.map((c) => c.stop()));
    const total = (key: 'sent' | 'ok' | 'duplicates' | 'mismatched') =>
      clients.reduce((sum, c) => sum + c[key], 0);
    expect(clients.flatMap((c) => c.lost)).toEqual([]);
    expect(total('duplicates')).toBe(0);
    expect(total('mismatched')).toBe(0);
    // every execute sent got one answer: served, or refused while shutting down (and resent)
    const refused = clients.flatMap((c) => [...c.refused.entries()]);
    expect(refused.filter(([code]) => code !== 18 && code !== BLOCKED_RESULT)).toEqual([]);
    const refusedCount = refused.reduce((sum, [, n]) => sum + n, 0);
    expect(total('ok') + refusedCount).toBe(total('sent'));
  }, 60000);
});
