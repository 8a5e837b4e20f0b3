/** The built gateway as a real child process (`node dist/src/main.js --config F`). */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** INSUPCLIENT_E2E_MAIN points at another build. */
export const GATEWAY_MAIN =
  process.env.INSUPCLIENT_E2E_MAIN || join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** A loopback port free now (for configs that need the port before the process starts). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

export interface RunningGateway {
  proc: ChildProcess;
  /** stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
}

export function startGatewayProcess(configPath: string): RunningGateway {
  const proc = spawn(process.execPath, [GATEWAY_MAIN, '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INSUPCLIENT_CONFIG: '' },
  });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, output: () => out, exited };
}
