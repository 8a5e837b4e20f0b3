/**
 * Issue 20 items 3, 5 and 7 (operations spec section 7, Drain): an operator drains one of two
 * INSUPC servers over the admin API. It gets no new queries (the simulator counts them) while
 * executes succeed on the other, keeps its connection and heartbeats, answers what was in
 * flight; /state, /metrics and readiness show it; the OAM file keeps it across a restart, and
 * a second gateway on the same OAM file picks it up. Both gateways changing the file at once
 * lose nothing.
 */
import { readdirSync } from 'node:fs';
import { startSimulator, type InsupcSimulator } from '../apps/insupc-simulator/src';
import { MsgCode } from '../libs/insupc-protocol/src';
import { Gateway, startGateway } from '../src/bootstrap';
import { TempDir } from './support/real-processes';
import { http } from './support/http';
import { simulatorClients } from './support/simulator-clients';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { testConfig } from './support/test-config';
import { waitFor } from './support/wait-for';

const OAM_FILE = {
  systemName: 'AMAS11',
  appStates: { sipsvc: 'RUNNING', insupclient: 'RUNNING' },
};

type ServerView = { name: string; drained: boolean; availableConnections: number };

describe('INSUPC drain (e2e)', () => {
  const dir = new TempDir();
  let sim: InsupcSimulator;
  const gateways: Gateway[] = [];
  const clients: SipsvcTestClient[] = [];

  async function gateway(): Promise<Gateway> {
    const gw = await startGateway(
      testConfig({
        insupc: {
          clients: simulatorClients(sim, {
            retryInterval: 50,
            connectTimeout: 1000,
            heartbeatInterval: 100,
          }),
        },
        oam: { config: { path: dir.file('oam-conf.json') } },
      }),
    );
    gateways.push(gw);
    return gw;
  }

  async function client(gw: Gateway): Promise<SipsvcTestClient> {
    const c = await connectSipsvc(gw.sipsvcPort);
    clients.push(c);
    await c.authOk();
    return c;
  }

  const servers = async (gw: Gateway): Promise<ServerView[]> =>
    (await http(gw.httpPort, 'GET', '/state')).body.insupcConnections;
  const drainedIn = async (gw: Gateway, name: string) =>
    (await servers(gw)).find((s) => s.name === name)!.drained;
  const bothLoggedOn = (gw: Gateway) =>
    waitFor(
      async () => (await servers(gw)).every((s) => s.availableConnections > 0),
      5000,
      'both servers logged on',
    );
  const oamFile = () => dir.readJson('oam-conf.json') as Record<string, unknown>;

  /** the servers that answered `n` executes (the simulator names itself in the answer). */
  async function answeredBy(c: SipsvcTestClient, n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await c.execute('mcidGetProfile', [String(i)]);
      expect(res).toMatchObject({ result: 0 });
      out.push((res.data as { server: string }).server);
    }
    return out;
  }

  beforeAll(async () => {
    sim = await startSimulator({
      logger: false,
      instances: [
        { name: 'INSUPC-1', dbStatus: 'MA' },
        { name: 'INSUPC-2', dbStatus: 'MA' },
      ],
    });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const gw of gateways.splice(0)) await gw.close();
    sim.setResponseDelay(0);
  });

  afterAll(async () => {
    await sim.stop();
    dir.remove();
  });

  it('drain: no new queries to it (in flight answered, heartbeats kept), executes succeed on the other; enable restores it', async () => {
    dir.write('oam-conf.json', JSON.stringify(OAM_FILE));
    const gw = await gateway();
    const c = await client(gw);
    await bothLoggedOn(gw);

    // one execute in flight on each server, then INSUPC-1 drained under them
    sim.setResponseDelay(300);
    const inFlight = [c.execute('mcidGetProfile', ['a']), c.execute('mcidGetProfile', ['b'])];
    await waitFor(() => sim.received('INSUPC-1', MsgCode.DB_QUERY_REQUEST) === 1);
    const drained = await http(gw.httpPort, 'POST', '/insupc/servers/INSUPC-1/actions/drain');
    expect(drained.status).toBe(200);
    expect(drained.body).toEqual({
      result: 'success',
      server: 'INSUPC-1',
      drained: true,
      timestamp: expect.any(String),
    });
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.result)).toEqual([0, 0]);
    sim.setResponseDelay(0);

    const queriesBefore = sim.received('INSUPC-1', MsgCode.DB_QUERY_REQUEST);
    const heartbeatsBefore = sim.received('INSUPC-1', MsgCode.DB_NETTEST_REQUEST);
    expect(new Set(await answeredBy(c, 20))).toEqual(new Set(['INSUPC-2']));
    expect(sim.received('INSUPC-1', MsgCode.DB_QUERY_REQUEST)).toBe(queriesBefore);
    // still connected, logged on and heart-beaten
    await waitFor(
      () => sim.received('INSUPC-1', MsgCode.DB_NETTEST_REQUEST) > heartbeatsBefore + 1,
      3000,
      'heartbeats to the drained server',
    );
    expect(sim.loggedOn('INSUPC-1')).toBeGreaterThan(0);

    // visible; readiness holds while INSUPC-2 is routable
    const view = await servers(gw);
    expect(view.map((s) => [s.name, s.drained])).toEqual([
      ['INSUPC-1', true],
      ['INSUPC-2', false],
    ]);
    const metrics = (await http(gw.httpPort, 'GET', '/metrics')).text;
    expect(metrics).toContain('insupclient_insupc_server_drained{server="INSUPC-1"} 1');
    expect(metrics).toContain('insupclient_insupc_server_drained{server="INSUPC-2"} 0');
    expect(metrics).toContain('insupclient_insupc_routable_servers 1');
    const ready = await http(gw.httpPort, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.insupc).toEqual({
      status: 'up',
      routableServers: 1,
      drainedServers: ['INSUPC-1'],
    });
    // persisted, the other keys kept
    expect(oamFile()).toEqual({ ...OAM_FILE, drainedServers: ['INSUPC-1'] });

    const enabled = await http(gw.httpPort, 'POST', '/insupc/servers/INSUPC-1/actions/enable');
    expect(enabled.body).toMatchObject({ result: 'success', server: 'INSUPC-1', drained: false });
    expect(new Set(await answeredBy(c, 4))).toEqual(new Set(['INSUPC-1', 'INSUPC-2']));
    expect(oamFile()).toEqual({ ...OAM_FILE, drainedServers: [] });
  });

  it('404 for an unknown server; nothing written', async () => {
    dir.write('oam-conf.json', JSON.stringify(OAM_FILE));
    const gw = await gateway();
    for (const action of ['drain', 'enable']) {
      const res = await http(gw.httpPort, 'POST', `/insupc/servers/NOPE/actions/${action}`);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe("no INSUPC server 'NOPE'");
    }
    expect(oamFile()).toEqual(OAM_FILE);
  });

  it('drain survives a restart (read from the OAM file); the OpenAPI document lists the routes', async () => {
    dir.write('oam-conf.json', JSON.stringify(OAM_FILE));
    const first = await gateway();
    await http(first.httpPort, 'POST', '/insupc/servers/INSUPC-2/actions/drain');
    await first.close();
    gateways.splice(0);

    const gw = await gateway();
    const c = await client(gw);
    expect(await drainedIn(gw, 'INSUPC-2')).toBe(true);
    await bothLoggedOn(gw);
    const before = sim.received('INSUPC-2', MsgCode.DB_QUERY_REQUEST);
    expect(new Set(await answeredBy(c, 10))).toEqual(new Set(['INSUPC-1']));
    expect(sim.received('INSUPC-2', MsgCode.DB_QUERY_REQUEST)).toBe(before);

    const paths = Object.keys((await http(gw.httpPort, 'GET', '/docs-json')).body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/insupc/servers/{name}/actions/drain',
        '/insupc/servers/{name}/actions/enable',
      ]),
    );
  });

  it('two gateways on one OAM file: concurrent state changes and drains all land, each sees the other', async () => {
    dir.write('oam-conf.json', JSON.stringify(OAM_FILE));
    const [a, b] = [await gateway(), await gateway()];
    const changes: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      const name = i % 2 ? 'INSUPC-1' : 'INSUPC-2';
      changes.push(http(a.httpPort, 'POST', `/insupc/servers/${name}/actions/enable`));
      changes.push(http(b.httpPort, 'POST', `/state?state=${i % 2 ? 'RUNNING' : 'BLOCKED'}`));
    }
    await Promise.all(changes);
    // the last of each, issued at once from the two gateways
    const [drain, block] = await Promise.all([
      http(a.httpPort, 'POST', '/insupc/servers/INSUPC-1/actions/drain'),
      http(b.httpPort, 'POST', '/state?state=BLOCKED'),
      http(b.httpPort, 'POST', '/insupc/servers/INSUPC-2/actions/drain'),
    ]);
    expect([drain.status, block.status]).toEqual([200, 200]);
    const file = oamFile();
    expect((file.appStates as Record<string, string>).insupclient).toBe('BLOCKED');
    expect([...(file.drainedServers as string[])].sort()).toEqual(['INSUPC-1', 'INSUPC-2']);
    // the file watcher brings each gateway the other's changes
    for (const gw of [a, b]) {
      await waitFor(
        async () => (await servers(gw)).every((s) => s.drained),
        3000,
        'both drained in each gateway',
      );
      expect((await http(gw.httpPort, 'GET', '/insupclient/v1/status')).body.state).toBe('BLOCKED');
    }
    expect(readdirSync(dir.path)).toEqual(['oam-conf.json']); // no lock or temp left behind
  });
});
