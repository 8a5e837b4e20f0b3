/**
 * Issue 20 (operations spec section 7), end to end against the simulator: a server alive for
 * the transport (logged on, heartbeats answered, MA) that fails the work.
 * - a server silent on queries is ejected; the other serves every execute meanwhile, the
 *   ejected one gets no query until its ejection ends, then it is back in rotation;
 * - no starvation: worker.concurrency is per server, so a silent server holds only its own
 *   slots (outlier detection off, so the budget alone is tested);
 * - least-outstanding: a server answering in 200 ms gets at most 20 % of a closed-loop load;
 * - retry: a listed API lost with its connection is answered 0 from the other server, an
 *   unlisted one 9.
 */
import { MsgCode } from '../libs/insupc-protocol/src';
import { startSimulator, type InsupcSimulator } from '../apps/insupc-simulator/src';
import { Gateway, startGateway } from '../src/bootstrap';
import {
  INSUPC_STATE,
  InsupcServerState,
  InsupcStateSource,
  SESSION_STATE,
  SessionStateSource,
} from '../src/contracts/state-sources';
import { InsupcQueryError } from '../src/contracts/insupc-query.port';
import { startTransport, TransportHarness } from './insupc-gw-harness';
import { connectSipsvc, SipsvcMessage, SipsvcTestClient } from './support/sipsvc-test-client';
import { simulatorClients } from './support/simulator-clients';
import { testConfig } from './support/test-config';
import { waitFor } from './support/wait-for';

type Overrides = NonNullable<Parameters<typeof testConfig>[0]>;

interface Rig {
  sim: InsupcSimulator;
  gw: Gateway;
  client: SipsvcTestClient;
  insupc: InsupcStateSource;
}

let rig: Rig | undefined;

async function start(
  instances: { name: string; scenario?: string }[],
  overrides: Overrides,
  scenarios: Record<string, { description: string; delayMs: number }> = {},
): Promise<Rig> {
  const sim = await startSimulator({
    logger: false,
    instances: instances.map((i) => ({ ...i, dbStatus: 'MA' as const })),
    scenarios,
  });
  const gw = await startGateway(
    testConfig({ ...overrides, insupc: { ...overrides.insupc, clients: simulatorClients(sim) } }),
  );
  const insupc = gw.app.get<InsupcStateSource>(INSUPC_STATE);
  await waitFor(() => insupc.routableServerCount() === instances.length, 5000, 'all routable');
  const client = await connectSipsvc(gw.sipsvcPort, { timeoutMs: 10000 });
  await client.authOk();
  rig = { sim, gw, client, insupc };
  return rig;
}

afterEach(async () => {
  if (!rig) return;
  rig.client.destroy();
  await rig.gw.close();
  await rig.sim.stop();
  rig = undefined;
});

const serverOf = (res: SipsvcMessage): string => (res.data as { server: string }).server;
const stateOf = (r: Rig, name: string): InsupcServerState =>
  r.insupc.describeServers().find((s) => s.name === name)!;
const queriesTo = (r: Rig, name: string): number => r.sim.received(name, MsgCode.DB_QUERY_REQUEST);

function burst(r: Rig, n: number, apiName = 'getProfile'): Promise<SipsvcMessage[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => r.client.execute(apiName, [`${i}`])));
}

describe('quiet backend failures (operations spec section 7, e2e)', () => {
  it('ejects a server silent on queries: the other serves meanwhile, then it is back', async () => {
    const r = await start([{ name: 'GRAY', scenario: 'query_no_response' }, { name: 'GOOD' }], {
      message: { sessionTimeout: 300 },
      insupc: {
        outlierDetection: { consecutiveFailures: 3, baseEjectionTime: 1500 },
      },
    });
    // equal load alternates: about half of this burst goes to GRAY and times out (6)
    const first = await burst(r, 10);
    expect(first.filter((m) => m.result === 6).length).toBeGreaterThanOrEqual(3);
    expect(first.filter((m) => m.result === 0).map(serverOf)).not.toContain('GRAY');
    const gray = stateOf(r, 'GRAY');
    expect(gray.ejected).toBe(true);
    expect(gray.ejectedUntil).toBeGreaterThan(Date.now());
    expect(gray.ejectedUntil).toBeLessThanOrEqual(Date.now() + 1500);
    expect(stateOf(r, 'GOOD')).toMatchObject({ ejected: false, ejectedUntil: 0 });
    expect(r.insupc.ejections?.()).toContainEqual({ server: 'GRAY', ejected: true, ejections: 1 });

    // while ejected: every execute answered 0 by GOOD, no query reaches GRAY
    const sentToGray = queriesTo(r, 'GRAY');
    const during = await burst(r, 20);
    expect(during.map((m) => m.result)).toEqual(Array(20).fill(0));
    expect(new Set(during.map(serverOf))).toEqual(new Set(['GOOD']));
    expect(queriesTo(r, 'GRAY')).toBe(sentToGray);
    expect(r.insupc.routableServerCount()).toBe(1);

    // the ejection ends: GRAY is routable again and gets queries
    await waitFor(() => !stateOf(r, 'GRAY').ejected, 5000, 'the ejection to end');
    expect(r.insupc.routableServerCount()).toBe(2);
    await burst(r, 4);
    expect(queriesTo(r, 'GRAY')).toBeGreaterThan(sentToGray);
  });

  it('no starvation: a silent server holds only its own worker.concurrency slots', async () => {
    const r = await start([{ name: 'GRAY', scenario: 'query_no_response' }, { name: 'GOOD' }], {
      worker: { concurrency: 4 },
      message: { sessionTimeout: 2000 },
      insupc: { balancing: 'round-robin', outlierDetection: { enabled: false } },
    });
    // with one budget shared by both servers, GRAY would hold all 4 slots and every later
    // execute would wait for them until it timed out
    const answers: SipsvcMessage[] = [];
    for (let i = 0; i < 10; i++) answers.push(...(await burst(r, 10)));
    const ok = answers.filter((m) => m.result === 0);
    expect(ok.length).toBeGreaterThanOrEqual(96);
    expect(new Set(ok.map(serverOf))).toEqual(new Set(['GOOD']));
    expect(stateOf(r, 'GRAY').inFlight).toBe(4);
  });

  it('least-outstanding: a server answering in 200 ms gets at most 20 % of a closed loop', async () => {
    const r = await start(
      [{ name: 'SLOW', scenario: 'slow200' }, { name: 'FAST' }],
      { tps: { maxTps: 1_000_000 } },
      { slow200: { description: 'queries answered after 200 ms', delayMs: 200 } },
    );
    const byServer: Record<string, number> = { SLOW: 0, FAST: 0 };
    const until = Date.now() + 1000;
    const loop = async (): Promise<void> => {
      while (Date.now() < until) {
        const res = await r.client.execute('getProfile', ['1']);
        expect(res.result).toBe(0);
        byServer[serverOf(res)]++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, loop));
    const total = byServer.SLOW + byServer.FAST;
    expect(total).toBeGreaterThan(40);
    expect(byServer.SLOW / total).toBeLessThanOrEqual(0.2);
  });

  it('retry: a listed API lost with its connection is answered 0 by the other server, an unlisted one 9', async () => {
    const r = await start([{ name: 'CLOSER', scenario: 'query_close' }, { name: 'GOOD' }], {
      insupc: {
        balancing: 'round-robin',
        outlierDetection: { enabled: false },
        retry: { apiNames: ['readProfile'] },
      },
    });
    const sessions = r.gw.app.get<SessionStateSource>(SESSION_STATE);
    const bothRoutable = () =>
      waitFor(() => r.insupc.routableServerCount() === 2, 5000, 'CLOSER reconnected');

    // round robin over two routable servers: one of two executes in a row goes to CLOSER
    const unlisted: SipsvcMessage[] = [];
    for (let i = 0; i < 2; i++) {
      await bothRoutable();
      unlisted.push(await r.client.execute('writeProfile', ['1']));
    }
    expect(unlisted.map((m) => m.result).sort()).toEqual([0, 9]);
    expect(sessions.retries?.()).toBe(0);

    const reachedCloser = queriesTo(r, 'CLOSER');
    const listed: SipsvcMessage[] = [];
    for (let i = 0; i < 2; i++) {
      await bothRoutable();
      listed.push(await r.client.execute('readProfile', ['1']));
    }
    // each listed execute that reached CLOSER was lost there and sent once more, to GOOD
    const lost = queriesTo(r, 'CLOSER') - reachedCloser;
    expect(lost).toBeGreaterThanOrEqual(1);
    expect(listed.map((m) => m.result)).toEqual([0, 0]);
    expect(listed.map(serverOf)).toEqual(['GOOD', 'GOOD']);
    expect(sessions.retries?.()).toBe(lost);
  });
});

describe('outlier detection log lines (transport e2e)', () => {
  let sim: InsupcSimulator | undefined;
  let gw: TransportHarness | undefined;

  afterAll(async () => {
    await gw?.close();
    await sim?.stop();
  });

  it('connection losses with a query in flight eject: WARN on ejection, INFO when back', async () => {
    sim = await startSimulator({
      logger: false,
      instances: [
        { name: 'CLOSER', dbStatus: 'MA', scenario: 'query_close' },
        { name: 'GOOD', dbStatus: 'MA' },
      ],
    });
    gw = await startTransport(sim.instances);
    Object.assign(gw.config.insupc.outlierDetection, {
      consecutiveFailures: 2,
      baseEjectionTime: 400,
    });
    const ejected =
      '[INSUPC|CLOSER] ejected for 400 ms after 2 consecutive query failures (1-th ejection)';
    const lost: string[] = [];
    for (let i = 0; i < 20 && !gw.logs.has(ejected, 'warn'); i++) {
      await waitFor(() => gw!.state.routableServerCount() === 2, 5000, 'CLOSER reconnected');
      await gw.query.query('getProfile', ['1']).catch((e: InsupcQueryError) => lost.push(e.code));
    }
    expect(gw.logs.has(ejected, 'warn')).toBe(true);
    expect(lost).toEqual(['CONNECTION_LOST', 'CONNECTION_LOST']);
    expect(gw.server('CLOSER')).toMatchObject({ ejected: true, consecutiveFailures: 0 });
    await waitFor(
      () => gw!.logs.has('[INSUPC|CLOSER] back in rotation after ejection', 'log'),
      5000,
      'the INFO line at the end of the ejection',
    );
    expect(gw.server('CLOSER').ejected).toBe(false);
  });
});
