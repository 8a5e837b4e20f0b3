/**
 * Fault injection under steady load (issue 14): the gateway and the INSUPC simulator as real
 * processes, several load clients plus one well-behaved client, and one fault per scenario,
 * injected and cleared through the simulator's control API (or the admin API, or kill -9).
 * Each scenario prints a row (sent / answered / by result code) and checks the invariants:
 * every execute answered exactly once, nothing waits beyond the session timeout, /state back
 * to zero sessions and connections, the well-behaved client served throughout, process alive.
 *
 * CI: a few seconds per scenario at 150 executes/s. FAULT_INJECTION_LONG=1: 30 s faults at
 * 1000 executes/s.
 */
import { http } from './support/http';
import {
  gatewayPorts,
  GatewayPorts,
  RealProcess,
  SimulatorPorts,
  simulatorPorts,
  startGatewayProcess,
  startSimulatorProcess,
  TempDir,
} from './support/real-processes';
import { LoadTally, SteadyLoad } from './support/steady-load';
import { waitFor } from './support/wait-for';

const LONG = process.env.FAULT_INJECTION_LONG === '1';
const RATE = LONG ? 1000 : 150;
const FAULT_MS = LONG ? 30000 : 2000;
const CALM_MS = LONG ? 5000 : 1000;
const SESSION_TIMEOUT_MS = 1500;
/** answers may come this much after the session timeout (sweep period, a busy 2-core box). */
const LATENESS_MS = 1500;

interface Scenario {
  name: string;
  /** every queue of capacity 5 (the gateway is restarted for this scenario). */
  smallQueues?: boolean;
  inject(ctx: Context): Promise<void>;
  clear(ctx: Context): Promise<void>;
  /** repeated every 250 ms while the fault holds. */
  during?(ctx: Context): Promise<void>;
}

interface Context {
  sim: () => RealProcess;
  restartSim: () => Promise<void>;
  killSim: () => Promise<void>;
  control: (path: string, body?: unknown) => Promise<void>;
  admin: (path: string) => Promise<void>;
  load: SteadyLoad;
  /** counts the `during` calls (every 250 ms). */
  tick: number;
  /** GET on the gateway's admin port. */
  adminGet: (path: string) => Promise<unknown>;
  /** added to the scenario's row name. */
  note: string;
}

const rows: string[] = [];

function row(name: string, t: LoadTally, wb: LoadTally): string {
  const codes = Object.entries(t.byCode)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return `| ${name} | ${t.sent} | ${t.answered} | ${t.abandoned} | {${codes}} | ${Math.round(t.maxLatencyMs)} | ${wb.answered}/${wb.sent} |`;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'simulator killed (kill -9) and restarted',
    inject: (c) => c.killSim(),
    clear: (c) => c.restartSim(),
  },
  {
    name: 'no_response',
    inject: (c) => c.control('/api/simulator/config', { scenario: 'no_response' }),
    clear: (c) => c.control('/api/simulator/config', { scenario: 'default' }),
  },
  {
    name: 'query_no_response',
    inject: (c) => c.control('/api/simulator/config', { scenario: 'query_no_response' }),
    clear: (c) => c.control('/api/simulator/config', { scenario: 'default' }),
  },
  {
    name: 'MB pushed, then MA',
    inject: (c) => c.control('/api/simulator/push-status', { dbStatus: 'MB' }),
    clear: (c) => c.control('/api/simulator/push-status', { dbStatus: 'MA' }),
  },
  {
    name: 'every INSUPC connection dropped at once (every second)',
    inject: (c) => c.control('/api/disconnect-clients', {}),
    during: async (c) => {
      if (++c.tick % 4 === 0) await c.control('/api/disconnect-clients', {});
    },
    clear: () => Promise.resolve(),
  },
  {
    name: 'clients resetting mid-flight',
    inject: (c) => c.control('/api/simulator/config', { responseDelayMs: 100 }),
    during: (c) => c.load.resetOne(),
    clear: (c) => c.control('/api/simulator/config', { responseDelayMs: 0 }),
  },
  {
    name: 'queues of capacity 5',
    smallQueues: true,
    inject: (c) => c.control('/api/simulator/config', { responseDelayMs: 20 }),
    clear: (c) => c.control('/api/simulator/config', { responseDelayMs: 0 }),
  },
  {
    name: 'BLOCKED, then RUNNING',
    inject: (c) => c.admin('/state?state=BLOCKED'),
    clear: (c) => c.admin('/state?state=RUNNING'),
  },
  {
    name: 'backend slower than the session timeout',
    inject: (c) =>
      c.control('/api/simulator/config', { responseDelayMs: SESSION_TIMEOUT_MS * 1.5 }),
    clear: (c) => c.control('/api/simulator/config', { responseDelayMs: 0 }),
  },
  {
    // last: the ejection (30 s) outlives the fault and would shape the rows after it
    name: 'gray server (INSUPC-1 silent on queries, INSUPC-2 healthy)',
    inject: (c) =>
      c.control('/api/simulator/config', {
        instances: { 'INSUPC-1': { scenario: 'query_no_response' } },
      }),
    during: async (c) => {
      if (c.note) return;
      const state = (await c.adminGet('/state')) as {
        insupcConnections: { name: string; ejected: boolean }[];
      };
      if (state.insupcConnections.find((s) => s.name === 'INSUPC-1')?.ejected) {
        c.note = ` — ejected after ${c.load.result().byCode['6'] ?? 0} timeouts (result 6)`;
      }
    },
    clear: (c) =>
      c.control('/api/simulator/config', { instances: { 'INSUPC-1': { scenario: null } } }),
  },
];

function gatewayYaml(gp: GatewayPorts, sp: SimulatorPorts, dir: TempDir, small: boolean): string {
  const clients = sp.instances
    .map(
      (p, i) =>
        `    - { name: INSUPC-${i + 1}, host: 127.0.0.1, port: ${p}, retry-interval: 200, connect-timeout: 500, heartbeat-interval: 500, heartbeat-timeout: 400, heartbeat-max-misses: 2, read-timeout: 5000 }`,
    )
    .join('\n');
  const capacity = small ? 5 : 5000;
  return `application:
  state-server: { stat-file: "" }
  shutdown: { drain-timeout: 1000 }
server: { host: 127.0.0.1, port: ${gp.http} }
tcp: { server: { host: 127.0.0.1, port: ${gp.sipsvc} } }
security:
  allowed-clients:
    - { ip: 127.0.0.1, mac: "000000000001", auth-key: TEST_AUTH_KEY_001 }
insupc:
  recv-queue: { capacity: ${capacity}, thread-count: 2 }
  clients:
${clients}
tps: { max-tps: 100000 }
message: { session-timeout: ${SESSION_TIMEOUT_MS} }
oam: { config: { path: ${dir.file('oam-conf.json')} } }
sipsvc: { recv-queue: { capacity: ${capacity}, thread-count: 2 } }
worker: { queue-capacity: ${small ? 5 : 10000}, concurrency: ${small ? 2 : 64} }
logging: { level: warn }
`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault injection under load (e2e, real processes)', () => {
  const dir = new TempDir();
  let sp: SimulatorPorts;
  let gp: GatewayPorts;
  let sim: RealProcess;
  let gateway: RealProcess | undefined;
  let gatewaySmall: boolean | undefined;

  beforeAll(async () => {
    sp = await simulatorPorts(2);
    gp = await gatewayPorts();
    sim = await startSimulatorProcess(dir, sp);
  }, 30000);

  afterAll(async () => {
    await gateway?.kill();
    await sim?.kill();
    dir.remove();
    process.stdout.write(
      [
        '',
        `fault injection: ${RATE} executes/s over 3 clients + 1 well-behaved client, fault held ${FAULT_MS} ms, session-timeout ${SESSION_TIMEOUT_MS} ms`,
        '| scenario | sent | answered | abandoned by client reset | by result code | max latency ms | well-behaved answered |',
        '|---|---|---|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
  }, 30000);

  async function ensureGateway(small: boolean): Promise<RealProcess> {
    if (gateway?.alive && gatewaySmall === small) return gateway;
    await gateway?.kill('SIGTERM');
    gatewaySmall = small;
    gateway = await startGatewayProcess(dir, gp, gatewayYaml(gp, sp, dir, small));
    return gateway;
  }

  async function state(): Promise<{ sessions: number; connections: number }> {
    const r = await http(gp.http, 'GET', '/state');
    const body = r.body as {
      messageMappingSize: number;
      sipsvcConnections: { total: number };
    };
    return { sessions: body.messageMappingSize, connections: body.sipsvcConnections.total };
  }

  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      const gw = await ensureGateway(scenario.smallQueues === true);
      await waitFor(
        async () => (await http(gp.http, 'GET', '/health/ready')).status === 200,
        10000,
        'gateway ready before the scenario',
      );
      const load = await SteadyLoad.start(gp.sipsvc, 3, RATE);
      const wellBehaved = await SteadyLoad.start(gp.sipsvc, 1, 10);
      const ctx: Context = {
        sim: () => sim,
        killSim: () => sim.kill('SIGKILL'),
        restartSim: async () => {
          sim = await startSimulatorProcess(dir, sp);
        },
        control: async (path, body = {}) => {
          const r = await http(sp.http, 'POST', path, { body });
          if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
        },
        admin: async (path) => {
          const r = await http(gp.http, 'POST', path);
          if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
        },
        load,
        tick: 0,
        adminGet: async (path) => (await http(gp.http, 'GET', path)).body,
        note: '',
      };
      try {
        await sleep(CALM_MS);
        await scenario.inject(ctx);
        const until = Date.now() + FAULT_MS;
        while (Date.now() < until) {
          await sleep(250);
          await scenario.during?.(ctx);
        }
        await scenario.clear(ctx);
        await sleep(CALM_MS);
      } finally {
        load.stopSending();
        wellBehaved.stopSending();
      }
      // every execute is answered: nothing can be outstanding past the session timeout
      const drainMs = SESSION_TIMEOUT_MS + LATENESS_MS + 2000;
      await waitFor(
        () => load.outstanding() === 0 && wellBehaved.outstanding() === 0,
        drainMs,
        'every execute answered',
      ).catch(() => undefined);
      const t = load.result();
      const wb = wellBehaved.result();
      load.close();
      wellBehaved.close();
      rows.push(row(scenario.name + ctx.note, t, wb));

      expect({
        outstanding: t.sent - t.answered - t.abandoned,
        duplicates: t.duplicates,
        unknown: t.unknown,
        closedByGateway: load.gatewayClosed,
      }).toEqual({ outstanding: 0, duplicates: 0, unknown: 0, closedByGateway: [] });
      expect(t.maxLatencyMs).toBeLessThan(SESSION_TIMEOUT_MS + LATENESS_MS);
      expect({ answered: wb.answered, closedByGateway: wellBehaved.gatewayClosed }).toEqual({
        answered: wb.sent,
        closedByGateway: [],
      });
      expect(wb.sent).toBeGreaterThan(0);
      expect(wb.maxLatencyMs).toBeLessThan(SESSION_TIMEOUT_MS + LATENESS_MS);
      await waitFor(
        async () => {
          const s = await state();
          return s.sessions === 0 && s.connections === 0;
        },
        5000,
        '/state back to zero sessions and connections',
      );
      expect(gw.alive).toBe(true);
    },
    60000 + (LONG ? 4 * FAULT_MS : 0),
  );
});
