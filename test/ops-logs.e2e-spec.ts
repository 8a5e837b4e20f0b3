/**
 * Logs of the gateway as a real process (operations spec §6.4, seed log lines): the built
 * gateway writes `logging.file` and `logging.execute-file`; logrotate's rename + SIGHUP loses
 * no line and writes none twice; the start-up pair of each queue (UT_02_006/007) and every
 * seed log line we keep are grepped from the file, provoked here against the simulator.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { startSimulator, InsupcSimulator } from '../apps/insupc-simulator/src';
import {
  gatewayFrontYaml,
  gatewayPorts,
  RealProcess,
  spawnGateway,
  TempDir,
  waitGatewayReady,
} from './support/real-processes';
import { http } from './support/http';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { waitFor } from './support/wait-for';

interface LogEntry {
  level: number;
  msg: string;
  context?: string;
}

/** The seed's log lines we keep, as they start (after the `[SIPSVC|ip:port] ` tag if any). */
const SEED_LOG_LINES: Record<string, string> = {
  'auth failure': 'Authentication failed - IP: 127.0.0.1, MAC: 0000000000FF not allowed',
  'queue saturation': '❌ SipsvcRecvQueue saturated - message dropped | ID: ',
  'session timeout': 'Session timeout - request ID: SEED_TIMEOUT_1',
  'worker queue full':
    'Failed to forward message to WorkerQueue - type: execute, requestId: SEED_WORKER_FULL - sending error response to SIPSVC',
  'using fallback': 'using fallback: INSUPC-1',
  'DB status change': '[INSUPC|INSUPC-1] DB Status changed | old: DA, new: MA',
  'logon failure': 'INSUPC_LOGON_FAILED: result=0x20',
  'read timeout': 'ReadTimeout detected: [INSUPC|INSUPC-3]',
  reconnection: 'Reconnection triggered: [INSUPC|INSUPC-3]',
  'TCP connection': 'TCP_CONNECTION: [INSUPC|INSUPC-1] connected to ',
  'DB status notification': 'INSUPC_STATUS_NOTIFICATION: session=INSUP_SESSION_001, newStatus=MA',
  'DB status response': 'DB_STATUS_RESPONSE sent: session=INSUP_SESSION_001, result=0x01',
};

describe('gateway logs as files (real process)', () => {
  const dir = new TempDir();
  const logFile = dir.file('logs/insupclient.log');
  const execFile = dir.file('logs/execute.log');
  let sim: InsupcSimulator;
  let gw: RealProcess;
  let httpPort: number;
  let sipsvcPort: number;

  /** every JSON line of the main log, the rotated file first; a torn line fails the parse. */
  function entries(): LogEntry[] {
    return [`${logFile}.1`, logFile]
      .filter((f) => existsSync(f))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as LogEntry);
  }
  const has = (text: string) => entries().some((e) => e.msg.includes(text));

  beforeAll(async () => {
    sim = await startSimulator({
      logger: false,
      instances: [
        { name: 'INSUPC-1', dbStatus: 'DA' }, // the only routable one: fallback tier
        { name: 'INSUPC-2', dbStatus: 'MA', scenario: 'logon_failure' },
        { name: 'INSUPC-3', dbStatus: 'MA', scenario: 'no_response' },
      ],
    });
    ({ http: httpPort, sipsvc: sipsvcPort } = await gatewayPorts());
    const client = (name: string, extra = '') =>
      `    - { name: ${name}, host: 127.0.0.1, port: ${sim.port(name)}, retry-interval: 500${extra} }`;
    const configPath = dir.write(
      'insupclient.yaml',
      `
application: { state-server: { stat-file: "" } }
${gatewayFrontYaml({ http: httpPort, sipsvc: sipsvcPort })}
sipsvc: { recv-queue: { capacity: 1, thread-count: 1 } }
insupc:
  recv-queue: { capacity: 100, thread-count: 3 }
  clients:
${client('INSUPC-1')}
${client('INSUPC-2')}
${client('INSUPC-3', ', read-timeout: 300, heartbeat-interval: 100')}
worker: { concurrency: 1, queue-capacity: 1 }
message: { session-timeout: 500 }
oam: { config: { path: ${dir.file('oam-conf.json')} } }
logging: { level: info, file: ${logFile}, execute-file: ${execFile} }
`,
    );
    gw = spawnGateway(configPath);
    await waitGatewayReady(gw, httpPort);
  });

  afterAll(async () => {
    await gw?.kill();
    await sim?.stop();
    dir.remove();
  });

  it('UT_02_006/007: each queue logs initialization started, then completed with its threads', async () => {
    await waitFor(() => has('InsupcRecvQueue initialization completed'), 5000, 'start-up lines');
    const msgs = entries().map((e) => e.msg);
    const order = [
      'SipsvcRecvQueue initialization started - capacity: 1, threads: 1',
      'SipsvcRecvQueue initialization completed - 1 threads started',
    ];
    const insupc = [
      'InsupcRecvQueue initialization started - capacity: 100, threads: 3',
      'InsupcRecvQueue initialization completed - 3 threads started',
    ];
    for (const pair of [order, insupc]) {
      const at = pair.map((m) => msgs.indexOf(m));
      expect(at[0]).toBeGreaterThanOrEqual(0);
      expect(at[1]).toBeGreaterThan(at[0]);
    }
  });

  it('§6.4: rename both files while executes flow, SIGHUP: every execute once across old and new', async () => {
    const client = await connectSipsvc(sipsvcPort);
    await client.authOk();
    const sent: string[] = [];
    let stop = false;
    const flow = (async () => {
      while (!stop) {
        const res = await client.execute('mcidGetProfile', ['01012345678']);
        expect(res.result).toBe(0);
        sent.push(String(res.reqNo));
      }
    })();
    await waitFor(() => sent.length >= 50, 10000, '50 executes before the rotation');
    renameSync(logFile, `${logFile}.1`);
    renameSync(execFile, `${execFile}.1`);
    const atRotation = sent.length;
    gw.proc.kill('SIGHUP');
    await waitFor(
      () =>
        existsSync(logFile) &&
        readFileSync(logFile, 'utf8').includes('Log files reopened (SIGHUP)'),
      5000,
      'reopen line in the new main log',
    );
    await waitFor(() => sent.length >= atRotation + 50, 10000, '50 executes after the rotation');
    stop = true;
    await flow;
    client.destroy();

    const lines = () =>
      [`${execFile}.1`, execFile].flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .filter((l) => l.includes('SUCCESS | reqId: ')),
      );
    await waitFor(() => lines().length >= sent.length, 5000, 'every execute line written');
    const reqIds = lines().map((l) => /reqId: (\S+)/.exec(l)![1]);
    expect(reqIds.sort()).toEqual([...sent].sort());
    expect(readFileSync(`${execFile}.1`, 'utf8')).toContain(`reqId: ${sent[0]} `);
    expect(readFileSync(execFile, 'utf8')).toContain(`reqId: ${sent[sent.length - 1]} `);
    // the main log: the start-up lines stayed in the renamed file, every line whole JSON
    expect(readFileSync(`${logFile}.1`, 'utf8')).toContain(
      'SipsvcRecvQueue initialization started',
    );
    expect(() => entries()).not.toThrow();
    expect(gw.proc.exitCode).toBeNull();
  });

  it('every seed log line we keep is written to logging.file', async () => {
    // auth failure
    const stranger = await connectSipsvc(sipsvcPort);
    expect((await stranger.auth({ macAddr: '0000000000FF' })).result).not.toBe(0);
    stranger.destroy();
    // SIPSVC receive queue saturated: a burst in one read against capacity 1
    const burst: SipsvcTestClient = await connectSipsvc(sipsvcPort);
    await burst.authOk();
    burst.sendRaw(
      Array.from({ length: 10 }, () => JSON.stringify(burst.executeMessage('mcidGetProfile'))).join(
        '',
      ),
    );
    for (let i = 0; i < 10; i++) await burst.next();
    // INSUPC-1 stops answering: one query in flight (concurrency 1), one waiting (capacity 1),
    // the third finds the worker queue full; the first two time out
    sim.setScenario('query_no_response', 'INSUPC-1');
    const sessionStats = async () =>
      (await http(httpPort, 'GET', '/state')).body.sessionStats as Record<string, number>;
    const inFlight = burst.execute('mcidGetProfile', [], { reqNo: 'SEED_TIMEOUT_1' });
    await waitFor(async () => (await sessionStats()).inFlightQueries === 1, 5000, 'in flight');
    const waiting = burst.execute('mcidGetProfile', [], { reqNo: 'SEED_TIMEOUT_2' });
    await waitFor(async () => (await sessionStats()).workerQueueSize === 1, 5000, 'queued');
    const refused = await burst.execute('mcidGetProfile', [], { reqNo: 'SEED_WORKER_FULL' });
    expect(refused).toMatchObject({
      result: 18,
      resultDesc: 'WorkerQueue saturated - all worker queues are full',
    });
    expect((await inFlight).result).toBe(6);
    expect((await waiting).result).toBe(6);
    sim.setScenario('default', 'INSUPC-1');
    burst.destroy();
    // DB status pushed by the server
    sim.setDbStatus('INSUPC-1', 'MA');

    await waitFor(
      () => Object.values(SEED_LOG_LINES).every(has),
      10000,
      'every seed line in the log file',
    ).catch(() => undefined);
    const missing = Object.entries(SEED_LOG_LINES)
      .filter(([, text]) => !has(text))
      .map(([what]) => what);
    expect(missing).toEqual([]);
  });
});
