/**
 * Simulator throughput: `npm run bench:simulator [-- --seconds 5 --connections 4 --window 256]`.
 *
 * Forks the simulator (one INSUPC instance, default scenario, silent: ./simulator-child.ts) into its own process
 * and drives it from this one with pipelined DB_QUERY_REQUESTs over loopback, keeping
 * `window` queries outstanding per connection. Prints queries/s and the simulator
 * process's CPU time, so the per-core figure does not depend on the client's speed.
 */
import { ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import {
  FrameDecoder,
  MsgCode,
  encodeDbAccessRequest,
  encodeDbQueryRequest,
} from '../../../libs/insupc-protocol/src';
import { forkSimulator, SimulatorChildCommand } from './simulator-child';

interface Options {
  seconds: number;
  connections: number;
  window: number;
}

function options(argv: string[]): Options {
  const num = (name: string, dflt: number): number => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : dflt;
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
    return v;
  };
  return {
    seconds: num('seconds', 5),
    connections: num('connections', 4),
    window: num('window', 256),
  };
}

function request<T>(child: ChildProcess, msg: SimulatorChildCommand, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, T>): void => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key]);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

async function drive(port: number, opt: Options, deadline: number, id: number): Promise<number> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  const header = { asId: 100, transactionId: 0, sessionId: `BENCH_${id}` };
  let answered = 0;
  let tid = 1;
  // One template query; each copy gets its own TRANSACTION_ID patched in.
  const template = encodeDbQueryRequest(header, 'mcidGetProfile', ['01012345678']);
  const send = (n: number): void => {
    const batch = Buffer.allocUnsafe(template.length * n);
    for (let i = 0; i < n; i++) {
      template.copy(batch, i * template.length);
      batch.writeUInt32LE(tid++ >>> 0, i * template.length + 10);
    }
    socket.write(batch);
  };
  return new Promise((resolve, reject) => {
    let loggedOn = false;
    let pendingRefill = 0;
    const decoder = new FrameDecoder({
      onFrame: (f) => {
        if (f.msgCode === MsgCode.DB_ACCESS_RESPONSE) {
          loggedOn = true;
          send(opt.window);
        } else if (f.msgCode === MsgCode.DB_QUERY_RESPONSE) {
          answered++;
          pendingRefill++;
        }
      },
    });
    socket.on('data', (chunk: Buffer) => {
      const err = decoder.push(chunk);
      if (err) return reject(err);
      if (!loggedOn || pendingRefill === 0) return;
      if (Date.now() < deadline) send(pendingRefill);
      pendingRefill = 0;
      if (Date.now() >= deadline && answered > 0) {
        socket.destroy();
        resolve(answered);
      }
    });
    socket.on('error', reject);
    socket.write(
      encodeDbAccessRequest(header, { systemName: 'BENCH', logonId: 'bench', password: '' }),
    );
  });
}

async function main(): Promise<void> {
  const opt = options(process.argv);
  const {
    child,
    ports: [port],
  } = await forkSimulator(['BENCH']);
  child.send('start');
  const started = Date.now();
  const deadline = started + opt.seconds * 1000;
  const counts = await Promise.all(
    Array.from({ length: opt.connections }, (_, i) => drive(port, opt, deadline, i)),
  );
  const elapsed = (Date.now() - started) / 1000;
  const cpu = await request<{ user: number; system: number }>(child, 'cpu', 'cpu');
  child.send('stop');
  const total = counts.reduce((a, b) => a + b, 0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const qps = total / elapsed;
  process.stdout.write(
    JSON.stringify({
      queries: total,
      elapsedSeconds: Number(elapsed.toFixed(2)),
      queriesPerSecond: Math.round(qps),
      simulatorCpuSeconds: Number(cpuSeconds.toFixed(2)),
      simulatorCoreUse: Number((cpuSeconds / elapsed).toFixed(2)),
      queriesPerCpuSecond: Math.round(total / cpuSeconds),
      ...opt,
      node: process.version,
    }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
