/**
 * `node dist/scripts/bench-io-floor.js [connections=64] [seconds=5]`: what Node's own socket
 * I/O costs per request, with no gateway work at all. A child process echoes every chunk it
 * reads (one read and one write per request, as the gateway's SIPSVC side does); this process
 * keeps `connections` clients each with one request of an execute's size outstanding, and
 * prints the echo server's CPU per request (user and system). The gateway's CPU per execute
 * cannot go below this figure plus its INSUPC side (docs/benchmark.md, "The I/O floor").
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { EXECUTE_REQUEST } from './lib/execute-request';

type FromServer = { port: number } | { cpu: NodeJS.CpuUsage };

function echoServer(): void {
  const server = createServer((s) => {
    s.setNoDelay(true);
    s.on('data', (chunk) => s.write(chunk));
    s.on('error', () => s.destroy());
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
  process.on('message', (m) => {
    if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (m === 'exit') process.exit(0);
  });
}

function next(child: ChildProcess): Promise<FromServer> {
  return new Promise((resolve) => child.once('message', (m) => resolve(m as FromServer)));
}

async function cpuOf(child: ChildProcess): Promise<NodeJS.CpuUsage> {
  child.send('cpu');
  const m = await next(child);
  if (!('cpu' in m)) throw new Error('echo server: unexpected message');
  return m.cpu;
}

async function main(): Promise<void> {
  const connections = Number(process.argv[2] ?? 64);
  const seconds = Number(process.argv[3] ?? 5);
  const child = fork(__filename, ['--echo-server']);
  const ready = await next(child);
  if (!('port' in ready)) throw new Error('echo server: no port');
  let answered = 0;
  let counting = false;
  const sockets: Socket[] = [];
  for (let i = 0; i < connections; i++) {
    const s = connect(ready.port, '127.0.0.1', () => s.write(EXECUTE_REQUEST));
    s.setNoDelay(true);
    s.on('data', () => {
      if (counting) answered++;
      s.write(EXECUTE_REQUEST);
    });
    s.on('error', () => undefined);
    sockets.push(s);
  }
  await new Promise((r) => setTimeout(r, 1500)); // warm-up
  const before = await cpuOf(child);
  counting = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  const after = await cpuOf(child);
  const user = (after.user - before.user) / answered;
  const system = (after.system - before.system) / answered;
  console.log(
    `echo ${connections}x1: ${Math.round(answered / seconds)}/s, echo server CPU per request ` +
      `${(user + system).toFixed(1)} µs (user ${user.toFixed(1)}, system ${system.toFixed(1)})`,
  );
  for (const s of sockets) s.destroy();
  child.send('exit');
}

if (process.argv.includes('--echo-server')) echoServer();
else
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
