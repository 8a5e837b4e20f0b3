/**
 * The gateway as a real process (`node dist/src/main.js --config <file>`, built by
 * `npm run test:e2e`; INSUPCLIENT_E2E_MAIN points at another build), for specs that need
 * signals or several instances.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { http } from './http';
import { waitFor } from './wait-for';

export const GATEWAY_MAIN =
  process.env.INSUPCLIENT_E2E_MAIN || join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

export interface GatewayProcess {
  proc: ChildProcess;
  /** stdout and stderr so far */
  output: () => string;
  exited: Promise<number | null>;
}

export function startGatewayProcess(configPath: string): GatewayProcess {
  if (!existsSync(GATEWAY_MAIN)) {
    throw new Error(`${GATEWAY_MAIN} missing: run "npm run build" first`);
  }
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

/** Resolves once GET /health/ready answers 200. */
export async function waitGatewayReady(
  gateway: GatewayProcess,
  httpPort: number,
  timeoutMs = 15000,
): Promise<void> {
  await waitFor(
    async () =>
      (await http(httpPort, 'GET', '/health/ready').catch(() => undefined))?.status === 200,
    timeoutMs,
    `gateway ready on ${httpPort}; output so far:\n${gateway.output()}`,
  );
}

/** SIGKILLs the process if it still runs (test clean-up). */
export async function killGatewayProcess(gateway: GatewayProcess | undefined): Promise<void> {
  if (gateway && gateway.proc.exitCode === null && gateway.proc.signalCode === null) {
    gateway.proc.kill('SIGKILL');
    await gateway.exited;
  }
}
