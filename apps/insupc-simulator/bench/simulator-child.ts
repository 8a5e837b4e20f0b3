/**
 * The INSUPC simulator as a child process of a benchmark or soak (`npm run bench`,
 * `npm run soak`, `npm run bench:simulator`): the one copy of that script.
 *
 * `forkSimulator(['INSUPC-1', 'INSUPC-2'])` forks this file with the instance names; the
 * child starts them silent on ephemeral loopback ports (dbStatus MA) and reports
 * `{ ports }` in the order named. Then, over IPC:
 * - `'stop'`: stop and exit 0;
 * - `'queries'`: answers `{ queries: { <name>: DB_QUERY_REQUESTs received } }`;
 * - `{ push, status }`: resets the statistics, pushes DB_STATUS `status` from instance
 *   `push`, answers `{ pushed }`;
 * - `{ update }`: resets the statistics, applies a control-API config update (scenario,
 *   delay, per-instance overrides), answers `{ updated: true }`;
 * - `'start'` / `'cpu'`: answers `{ cpu }`, the child's CPU time since `'start'` (or since it started).
 */
import { ChildProcess, fork } from 'node:child_process';
import { DbStatus } from '../../../libs/insupc-protocol/src';
import { startSimulator } from '../src/insupc-simulator';
import type { SimulatorConfigUpdate } from '../src/simulator-api';

export type SimulatorChildCommand =
  | 'stop'
  | 'queries'
  | 'start'
  | 'cpu'
  | { push: string; status: DbStatus }
  | { update: SimulatorConfigUpdate };

export interface ForkedSimulator {
  child: ChildProcess;
  /** the port of each instance, in the order named. */
  ports: number[];
}

/** Forks the simulator with `names` (one process, all of them); resolves once it listens. */
export function forkSimulator(names: string[]): Promise<ForkedSimulator> {
  const child = fork(__filename, ['--simulator-child', names.join(',')], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, ports: (m as { ports: number[] }).ports }));
    child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
  });
}

async function serve(names: string[]): Promise<void> {
  const sim = await startSimulator({
    instances: names.map((name) => ({ name, dbStatus: 'MA' as const })),
    logger: false,
  });
  const send = (m: object) => process.send!(m);
  let cpuStart = process.cpuUsage();
  process.on('message', (msg: SimulatorChildCommand) => {
    if (msg === 'stop') void sim.stop().then(() => process.exit(0));
    else if (msg === 'start') cpuStart = process.cpuUsage();
    else if (msg === 'cpu') send({ cpu: process.cpuUsage(cpuStart) });
    else if (msg === 'queries') {
      const q = (name: string) => sim.stats().instances[name]?.received.DB_QUERY_REQUEST ?? 0;
      send({ queries: Object.fromEntries(names.map((n) => [n, q(n)])) });
    } else if ('update' in msg) {
      sim.resetStats();
      sim.update(msg.update);
      send({ updated: true });
    } else {
      sim.resetStats();
      sim.setDbStatus(msg.push, msg.status, true);
      send({ pushed: msg.push });
    }
  });
  send({ ports: names.map((n) => sim.port(n)) });
}

const at = process.argv.indexOf('--simulator-child');
if (at >= 0) void serve((process.argv[at + 1] ?? 'INSUPC-1').split(','));
