/**
 * The gateway and the INSUPC simulator as real processes (`node dist/.../main.js`, built by
 * `npm run test:e2e`; INSUPCLIENT_E2E_MAIN points at another gateway build), for the specs
 * that need signals, kills or several instances: configs written to a temp dir, ports chosen
 * up front so a killed process can be started again on the same ones.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from './http';
import { waitFor } from './wait-for';

const DIST = join(__dirname, '..', '..', 'dist');
export const GATEWAY_MAIN = process.env.INSUPCLIENT_E2E_MAIN || join(DIST, 'src', 'main.js');
const SIMULATOR_MAIN = join(DIST, 'apps', 'insupc-simulator', 'src', 'main.js');

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'insupclient-e2e-'));
  file(name: string): string {
    return join(this.path, name);
  }
  write(name: string, text: string): string {
    writeFileSync(this.file(name), text);
    return this.file(name);
  }
  readJson(name: string): unknown {
    return JSON.parse(readFileSync(this.file(name), 'utf8'));
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export class RealProcess {
  private out = '';
  readonly exited: Promise<number | null>;
  constructor(readonly proc: ChildProcess) {
    proc.stdout?.on('data', (b: Buffer) => (this.out = (this.out + b.toString()).slice(-200000)));
    proc.stderr?.on('data', (b: Buffer) => (this.out = (this.out + b.toString()).slice(-200000)));
    this.exited = new Promise((r) =>
      proc.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))),
    );
  }
  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  output(): string {
    return this.out;
  }
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.alive) this.proc.kill(signal);
    await this.exited;
  }
}

function spawnNode(main: string, args: string[]): RealProcess {
  if (!existsSync(main)) throw new Error(`${main} missing: run "npm run build" first`);
  return new RealProcess(
    spawn(process.execPath, [main, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, INSUPCLIENT_CONFIG: '' },
    }),
  );
}

export interface SimulatorPorts {
  http: number;
  instances: number[];
}

export async function simulatorPorts(instances = 2): Promise<SimulatorPorts> {
  const ports: number[] = [];
  for (let i = 0; i < instances; i++) ports.push(await freePort());
  return { http: await freePort(), instances: ports };
}

/** The simulator process on `ports`, ready once its control API answers. */
export async function startSimulatorProcess(
  dir: TempDir,
  ports: SimulatorPorts,
): Promise<RealProcess> {
  const instances = ports.instances
    .map((p, i) => `  - { name: INSUPC-${i + 1}, host: 127.0.0.1, port: ${p}, dbStatus: MA }`)
    .join('\n');
  const config = dir.write(
    'simulator.yaml',
    `http: { enabled: true, host: 127.0.0.1, port: ${ports.http} }\ninstances:\n${instances}\n`,
  );
  const sim = spawnNode(SIMULATOR_MAIN, ['--config', config, '--log-level', 'error']);
  await waitFor(
    async () => {
      if (!sim.alive) throw new Error(`simulator exited:\n${sim.output()}`);
      const r = await http(ports.http, 'GET', '/api/simulator/config').catch(() => undefined);
      return r?.status === 200;
    },
    15000,
    'simulator control API up',
  );
  return sim;
}

export interface GatewayPorts {
  http: number;
  sipsvc: number;
}

/** The gateway config's listeners on `ports` and its one allowed (test) client. */
export function gatewayFrontYaml(ports: GatewayPorts): string {
  return [
    `server: { host: 127.0.0.1, port: ${ports.http} }`,
    `tcp: { server: { host: 127.0.0.1, port: ${ports.sipsvc} } }`,
    'security:',
    '  allowed-clients:',
    '    - { ip: 127.0.0.1, mac: "000000000001", auth-key: TEST_AUTH_KEY_001 }',
  ].join('\n');
}

/** both listening ports of a gateway, free now. */
export async function gatewayPorts(): Promise<GatewayPorts> {
  return { http: await freePort(), sipsvc: await freePort() };
}

/** The gateway process with the config file at `configPath`; not waited for. */
export function spawnGateway(configPath: string): RealProcess {
  return spawnNode(GATEWAY_MAIN, ['--config', configPath]);
}

/** Resolves once GET /health/ready answers 200; fails at once if the process exits. */
export async function waitGatewayReady(
  gw: RealProcess,
  httpPort: number,
  timeoutMs = 20000,
): Promise<void> {
  await waitFor(
    async () => {
      if (!gw.alive) throw new Error(`gateway exited:\n${gw.output()}`);
      const r = await http(httpPort, 'GET', '/health/ready').catch(() => undefined);
      return r?.status === 200;
    },
    timeoutMs,
    `gateway ready on ${httpPort}`,
  );
}

/** The gateway process with `yaml` (its ports are in it), ready once /health/ready is 200. */
export async function startGatewayProcess(
  dir: TempDir,
  ports: GatewayPorts,
  yaml: string,
  name = 'gateway.yaml',
): Promise<RealProcess> {
  const gw = spawnGateway(dir.write(name, yaml));
  await waitGatewayReady(gw, ports.http);
  return gw;
}
