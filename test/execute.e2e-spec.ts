/**
 * Execute pipeline end to end: a real gateway (SIPSVC listener, INSUPC transport, execute
 * pipeline) on ephemeral loopback ports, talking to a real in-process INSUPC simulator.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startSimulator,
  type InsupcSimulator,
  type SimulatorOptions,
} from '../apps/insupc-simulator/src/insupc-simulator';
import { startGateway, Gateway } from '../src/bootstrap';
import {
  InsupcStateSource,
  SESSION_STATE,
  SessionStateSource,
} from '../src/contracts/state-sources';
import { AppConfig } from '../src/config/config.schema';
import { ServiceStateService } from '../src/oam/service-state.service';
import { ExecuteCounters } from '../src/execute/execute.counters';
import { connectSipsvc, SipsvcMessage, SipsvcTestClient } from './support/sipsvc-test-client';
import { waitFor } from './support/wait-for';
import { simulatorClients, waitRoutable } from './support/simulator-clients';
import { testConfig } from './support/test-config';

type ConfigOverrides = Parameters<typeof testConfig>[0];

interface Rig {
  sim: InsupcSimulator;
  gw: Gateway;
  client: SipsvcTestClient;
  sessions: SessionStateSource;
  insupc: InsupcStateSource;
  stats: ExecuteCounters;
  config: AppConfig;
}

/** Simulator (INSUPC-1, INSUPC-2 by default) + gateway pointed at it + an authenticated client. */
async function startRig(
  overrides: ConfigOverrides = {},
  simOptions: SimulatorOptions = {},
): Promise<Rig> {
  const sim = await startSimulator({ logger: false, ...simOptions });
  const config = testConfig({
    insupc: { clients: simulatorClients(sim) },
    ...overrides,
  });
  const gw = await startGateway(config);
  const insupc = await waitRoutable(gw);
  const client = await connectSipsvc(gw.sipsvcPort, { timeoutMs: 10000 });
  await client.authOk();
  return {
    sim,
    gw,
    client,
    insupc,
    config,
    sessions: gw.app.get<SessionStateSource>(SESSION_STATE),
    stats: gw.app.get(ExecuteCounters),
  };
}

async function stopRig(rig: Rig | undefined): Promise<void> {
  if (!rig) return;
  rig.client.destroy();
  await rig.gw.close();
  await rig.sim.stop();
}

function serverOf(res: SipsvcMessage): string {
  return (res.data as { server: string }).server;
}

describe('execute e2e: no INSUPC reachable', () => {
  let gw: Gateway;
  let client: SipsvcTestClient;
  let sessions: SessionStateSource;

  beforeAll(async () => {
    gw = await startGateway(
      testConfig({ insupc: { clients: [{ name: 'INSUPC-1', host: '127.0.0.1', port: 1 }] } }),
    );
    sessions = gw.app.get<SessionStateSource>(SESSION_STATE);
    client = await connectSipsvc(gw.sipsvcPort);
    await client.authOk();
  });
  afterAll(async () => {
    client?.destroy();
    await gw?.close();
  });

  it('no routable server → result 5 at once, no session left', async () => {
    const res = await client.execute('mcidGetProfile', ['01012345678'], {
      reqNo: 'NB1',
      seq: '007',
    });
    expect(res).toMatchObject({
      cmd: 'execute',
      reqNo: 'NB1',
      seq: '007',
      result: 5,
      resultCode: 5,
      resultDesc: 'No INSUPC server available',
    });
    expect(sessions.messageMappingSize()).toBe(0);
  });

  it('malformed execute body → result 1 naming the problem', async () => {
    const res = await client.request({ cmd: 'execute', token: client.token, reqNo: 'BAD1' });
    expect(res).toMatchObject({
      result: 1,
      resultDesc: 'Missing field: reqBody.apiName (or service)',
    });
  });
});

describe('execute e2e: answers from the simulator', () => {
  let rig: Rig;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'execute-e2e-'));
    rig = await startRig(
      { logging: { executeFile: join(dir, 'execute.log') }, tps: { maxTps: 100000 } },
      { instances: [{ name: 'INSUPC-1' }], apis: { known: ['mcidGetProfile'] } },
    );
  });
  afterAll(async () => {
    await stopRig(rig);
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => rig.sim.setScenario('default'));

  it('UT_07_001: success — cmd/reqNo/seq echoed, SQL_OUTPUT as data, execute log line', async () => {
    const res = await rig.client.request({
      cmd: 'execute',
      token: rig.client.token,
      reqNo: 'REQ_20241027132721.38080',
      seq: '001',
      service: 'mcidGetProfile',
      reqBody: { apiName: 'mcidGetProfile', inputParams: ['01012345678'] },
    });
    expect(res).toEqual({
      cmd: 'execute',
      reqNo: 'REQ_20241027132721.38080',
      seq: '001',
      result: 0,
      resultCode: 0,
      resultDesc: 'Completed successfully',
      data: {
        apiName: 'mcidGetProfile',
        inputParams: ['01012345678'],
        result: 'OK',
        server: 'INSUPC-1',
      },
    });
    expect(rig.sessions.messageMappingSize()).toBe(0);
    await waitFor(async () =>
      (await readFile(join(dir, 'execute.log'), 'utf8')).includes(
        'SUCCESS | reqId: REQ_20241027132721.38080 | apiName: mcidGetProfile | server: INSUPC-1 | elapsed: ',
      ),
    );
  });

  it('UT_07_002: INSUPC error 0x10 → result 7 with insupcResult and ERROR_TEXT', async () => {
    rig.sim.setScenario('query_error');
    const res = await rig.client.execute('invalidOperationName', ['test'], {
      reqNo: 'REQ_20241027132721.38081',
      seq: '001',
    });
    expect(res).toEqual({
      cmd: 'execute',
      reqNo: 'REQ_20241027132721.38081',
      seq: '001',
      result: 7,
      resultCode: 7,
      resultDesc: 'unknown API: invalidOperationName',
      insupcResult: '0x10',
    });
  });

  it('NO_DATA → result 8', async () => {
    const res = await rig.client.execute('noDataProfile', ['1']);
    expect(res).toMatchObject({ result: 8, resultCode: 8, resultDesc: 'No data' });
  });

  it('server busy 0x30 → result 7 with insupcResult 0x30', async () => {
    rig.sim.setScenario('server_busy');
    const res = await rig.client.execute('mcidGetProfile', ['1']);
    expect(res).toMatchObject({ result: 7, insupcResult: '0x30' });
  });

  it('1,000 pipelined executes on one connection: each answered exactly once', async () => {
    const n = 1000;
    const reqNos = Array.from({ length: n }, (_, i) => `PIPE_${i}`);
    for (const reqNo of reqNos) {
      rig.client.send(rig.client.executeMessage('mcidGetProfile', [reqNo], { reqNo }));
    }
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const res = await rig.client.next(10000);
      expect(res).toMatchObject({ cmd: 'execute', result: 0 });
      expect((res.data as { inputParams: string[] }).inputParams).toEqual([res.reqNo]);
      seen.set(res.reqNo as string, (seen.get(res.reqNo as string) ?? 0) + 1);
    }
    expect(seen.size).toBe(n);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    expect(rig.sessions.messageMappingSize()).toBe(0);
  });
});

describe('execute e2e: load control', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  it('UT_03_004: max-tps 3 per 1000 ms, 15 executes at 5/s → 9 pass, 6 TPS limit exceeded', async () => {
    rig = await startRig(
      { tps: { maxTps: 3, windowSize: 1000 } },
      { instances: [{ name: 'INSUPC-1' }] },
    );
    const { client } = rig;
    const t0 = Date.now();
    const answers: Promise<SipsvcMessage>[] = [];
    for (let i = 0; i < 15; i++) {
      // the load pattern itself: one execute every 200 ms, on an absolute schedule
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + i * 200 - Date.now())));
      answers.push(client.execute('mcidGetProfile', [String(i)], { reqNo: `TPS_${i}` }));
    }
    const results = await Promise.all(answers);
    const passed = results.filter((r) => r.result === 0);
    const refused = results.filter((r) => r.result === 4);
    expect(passed).toHaveLength(9);
    expect(refused).toHaveLength(6);
    expect(refused[0]).toMatchObject({ resultCode: 4, resultDesc: 'TPS limit exceeded' });
    expect(rig.stats.tpsRejections).toBe(6);
    expect(rig.sessions.describeSessions().tpsRejections).toBe(6);
  });

  it('UT_03_005: max-sessions 3, INSUPC silent → the 4th is refused at once with 18', async () => {
    rig = await startRig(
      { message: { maxSessions: 3, sessionTimeout: 1500 } },
      { instances: [{ name: 'INSUPC-1' }], activeScenario: 'query_no_response' },
    );
    const { client, sessions } = rig;
    const first = [1, 2, 3].map((i) => client.execute('mcidGetProfile', [], { reqNo: `MS_${i}` }));
    await waitFor(() => sessions.messageMappingSize() === 3);
    const fourth = await client.execute('mcidGetProfile', [], { reqNo: 'MS_4' });
    expect(fourth).toMatchObject({
      reqNo: 'MS_4',
      result: 18,
      resultCode: 18,
      resultDesc: 'Maximum concurrent sessions exceeded',
    });
    expect(sessions.messageMappingSize()).toBe(3);
    // the three are answered by the session-timeout path, then a slot is free again
    for (const r of await Promise.all(first)) expect(r).toMatchObject({ result: 6 });
    rig.sim.setScenario('default');
    expect(await client.execute('mcidGetProfile', [], { reqNo: 'MS_5' })).toMatchObject({
      result: 0,
    });
  });

  it('UT_03_006: session timeout answered with 6, sessions back to 0, logs, late answer DROPPED', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'execute-e2e-'));
    const logFile = join(dir, 'execute.log');
    try {
      rig = await startRig(
        { message: { sessionTimeout: 400 }, logging: { executeFile: logFile } },
        // the answer comes after the session timeout (400 ms) and before the INSUPC
        // transport's backstop (2 × session-timeout) would fail the query itself
        { instances: [{ name: 'INSUPC-1' }], responseDelayMs: 650 },
      );
      const { client, sessions, stats } = rig;
      const started = Date.now();
      const pending = client.execute('mcidGetProfile', [], { reqNo: 'UT_03_006_REQ_TIMEOUT' });
      await waitFor(() => sessions.describeSessions().currentSessions === 1);
      const res = await pending;
      expect(res).toMatchObject({
        reqNo: 'UT_03_006_REQ_TIMEOUT',
        result: 6,
        resultCode: 6,
        resultDesc: 'Session timeout',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      expect(sessions.describeSessions().currentSessions).toBe(0);
      expect(stats.timeouts).toBe(1);
      // the INSUPC answer comes later and is dropped and counted
      await waitFor(() => stats.droppedResponses === 1, 5000);
      await waitFor(async () => {
        const log = await readFile(logFile, 'utf8');
        return (
          log.includes(
            'TIMEOUT | reqId: UT_03_006_REQ_TIMEOUT | apiName: mcidGetProfile | server: INSUPC-1',
          ) &&
          log.includes(
            'DROPPED | reqId: UT_03_006_REQ_TIMEOUT | apiName: mcidGetProfile | server: INSUPC-1',
          )
        );
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('INSUPC connection dropped mid-flight → result 9 at once, not at session-timeout', async () => {
    rig = await startRig(
      { message: { sessionTimeout: 20000 } },
      { instances: [{ name: 'INSUPC-1' }], activeScenario: 'query_no_response' },
    );
    const { client, sessions, sim } = rig;
    const pending = client.execute('mcidGetProfile', [], { reqNo: 'LOST_1' });
    await waitFor(() => sessions.messageMappingSize() === 1);
    sim.disconnectClients('INSUPC-1');
    expect(await pending).toMatchObject({
      reqNo: 'LOST_1',
      result: 9,
      resultDesc: 'INSUPC connection lost',
    });
    // 9, not 6: answered by the connection loss, not by the 20 s session-timeout
    expect(sessions.messageMappingSize()).toBe(0);
  });

  it('client disconnected mid-flight → no session left; the INSUPC answer is dropped and counted', async () => {
    rig = await startRig(
      { message: { sessionTimeout: 20000 } },
      { instances: [{ name: 'INSUPC-1' }], responseDelayMs: 300 },
    );
    const { sessions, stats } = rig;
    const other = await connectSipsvc(rig.gw.sipsvcPort);
    try {
      await other.authOk();
      other.send(other.executeMessage('mcidGetProfile', [], { reqNo: 'GONE_1' }));
      await waitFor(() => sessions.messageMappingSize() === 1);
      other.destroy();
      await waitFor(() => sessions.messageMappingSize() === 0, 2000);
      await waitFor(() => stats.droppedResponses === 1, 3000);
      // the gateway still serves the other connection
      expect(await rig.client.execute('mcidGetProfile', [])).toMatchObject({ result: 0 });
    } finally {
      other.destroy();
    }
  });

  it('BLOCKED → result 3', async () => {
    rig = await startRig({}, { instances: [{ name: 'INSUPC-1' }] });
    rig.gw.app.get(ServiceStateService).set('BLOCKED');
    expect(await rig.client.execute('mcidGetProfile', [])).toMatchObject({
      result: 3,
      resultDesc: 'Service blocked',
    });
  });
});

describe('execute e2e: routing through the full path', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  async function executeN(r: Rig, n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await r.client.execute('mcidGetProfile', [String(i)]);
      expect(res).toMatchObject({ result: 0 });
      out.push(serverOf(res));
    }
    return out;
  }

  const bothLoggedOn = (r: Rig) =>
    waitFor(() => r.insupc.describeServers().every((s) => s.routable), 5000);

  it('MA + MA → round robin, 5 / 5', async () => {
    rig = await startRig({}, { instances: [{ name: 'INSUPC-1' }, { name: 'INSUPC-2' }] });
    await waitFor(() => rig!.insupc.routableServerCount() === 2);
    const servers = await executeN(rig, 10);
    expect(servers.filter((s) => s === 'INSUPC-1')).toHaveLength(5);
    expect(servers.filter((s) => s === 'INSUPC-2')).toHaveLength(5);
  });

  it('MA → DA failover: MA serves while up; when it goes away, DA takes over', async () => {
    rig = await startRig(
      {},
      {
        instances: [
          { name: 'INSUPC-1', dbStatus: 'DA' },
          { name: 'INSUPC-2', dbStatus: 'MA' },
        ],
      },
    );
    await bothLoggedOn(rig);
    expect(await executeN(rig, 2)).toEqual(['INSUPC-2', 'INSUPC-2']);
    await rig.sim.stopInstance('INSUPC-2');
    await waitFor(
      () => rig!.insupc.describeServers().find((s) => s.name === 'INSUPC-2')?.routable === false,
    );
    expect(await executeN(rig, 2)).toEqual(['INSUPC-1', 'INSUPC-1']);
  });

  it('MA → MB: requests move to the MS server', async () => {
    rig = await startRig(
      {},
      {
        instances: [
          { name: 'INSUPC-1', dbStatus: 'MS' },
          { name: 'INSUPC-2', dbStatus: 'MA' },
        ],
      },
    );
    await bothLoggedOn(rig);
    expect(await executeN(rig, 2)).toEqual(['INSUPC-2', 'INSUPC-2']);
    rig.sim.setDbStatus('INSUPC-2', 'MB');
    await waitFor(
      () => rig!.insupc.describeServers().find((s) => s.name === 'INSUPC-2')?.dbStatus === 'MB',
    );
    expect(await executeN(rig, 2)).toEqual(['INSUPC-1', 'INSUPC-1']);
  });
});
