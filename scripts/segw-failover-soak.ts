/**
 * `node dist/scripts/segw-failover-soak.js [--failovers 1000] [--sample 50]` (root, after
 * `bash test/lab/segw-lab.sh install`): SEGW failover endurance in the strongSwan lab.
 *
 * Brings the lab up with two SEGWs, starts the built gateway as its own process on the lab's
 * initiator VICI socket (operations.md section 5's example connection over SEGW 1 and 2), and
 * switches the tunnel `--failovers` times through the admin API
 * (POST /segw/insupc-tunnel/actions/failover), each time waiting until it is UP on the other
 * SEGW. Every `--sample` failovers it prints the initiator charon's IKE SA count (list-sas
 * over VICI), the gateway's heap after a full GC (nodejs_heap_size_used_bytes from /metrics) and its CPU
 * time per failover since the previous sample. The lab's traffic never leaves its network
 * namespaces; the gateway listens on loopback only.
 *
 * Pass (exit 0): every failover reached UP on the expected SEGW, charon never held more than
 * one IKE SA for the tunnel, and every history entry of the run reads success.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ViciClient, ViciSection } from '../libs/vici/src';
import { cpuSeconds, dist, freePort, root, stop, waitReady } from './lib/processes';

const LAB = join(root, 'test/lab/segw-lab.sh');
const TUNNEL = 'insupc-tunnel';
const TOKEN = 'segw-failover-soak-token';

function arg(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be an integer >= 1`);
  return v;
}

function lab(...args: string[]): string {
  const r = spawnSync('bash', [LAB, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`segw-lab.sh ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function gatewayYaml(env: Record<string, string>, http: number, sipsvc: number, dir: string) {
  const [segw1, segw2] = env.SEGW_LAB_ADDRS.split(',');
  return `# written by scripts/segw-failover-soak.ts
application:
  state-server: { stat-file: "" }
server: { host: 127.0.0.1, port: ${http} }
tcp:
  server: { host: 127.0.0.1, port: ${sipsvc} }
security: { admin-token: ${TOKEN} }
insupc:
  clients:
    - { name: INSUPC-1, host: 127.0.0.1, port: 9, retry-interval: 5000 }
oam:
  config: { path: ${join(dir, 'oam-conf.json')} }
logging: { level: warn }
segw:
  enabled: true
  vici-socket: ${env.SEGW_LAB_VICI}
  history-file: ${join(dir, 'segw-history.json')}
  policy: { max-retries: 5, backoff-base: 200, backoff-max: 60000, initiate-timeout: 5000 }
  connections:
    ${TUNNEL}:
      remote_addrs: "${segw1},${segw2}"
      local_addrs: "%any"
      version: 2
      proposals: [${env.SEGW_LAB_PROPOSALS}]
      local: { auth: psk, id: ${env.SEGW_LAB_LOCAL_ID} }
      remote: { auth: psk, id: ${env.SEGW_LAB_REMOTE_ID} }
      children:
        insupc-child:
          local_ts: [${env.SEGW_LAB_LOCAL_TS}]
          remote_ts: [${env.SEGW_LAB_REMOTE_TS}]
          esp_proposals: [${env.SEGW_LAB_PROPOSALS}]
  secrets:
    - { type: ike, id: ${env.SEGW_LAB_LOCAL_ID}, secret: ${env.SEGW_LAB_PSK} }
`;
}

interface Conn {
  state: string;
  current: string;
}

class Admin {
  constructor(private readonly port: number) {}
  private async call(method: string, path: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
  }
  async tunnel(): Promise<Conn> {
    const body = (await (await this.call('GET', '/segw')).json()) as { connections: Conn[] };
    return body.connections[0];
  }
  async failover(): Promise<void> {
    const res = await this.call('POST', `/segw/${TUNNEL}/actions/failover`);
    if (res.status !== 202) throw new Error(`failover answered ${res.status}`);
  }
  async history(): Promise<{ result: string; code: string }[]> {
    const res = await this.call('GET', '/segw/history?limit=1000');
    return ((await res.json()) as { history: { result: string; code: string }[] }).history;
  }
  async heapUsed(): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
    const m = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text);
    return m ? Number(m[1]) : NaN;
  }
  /** resolves with the ms it took until the tunnel is UP on `address`. */
  async upOn(address: string, timeoutMs = 20_000): Promise<number> {
    const t0 = performance.now();
    for (;;) {
      const c = await this.tunnel();
      if (c.state === 'UP' && c.current === address) return performance.now() - t0;
      if (performance.now() - t0 > timeoutMs)
        throw new Error(`not UP on ${address} within ${timeoutMs} ms (${c.state} on ${c.current})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** The IKE SAs the initiator charon holds and their CHILD SAs, counted. */
async function charonSas(vici: string): Promise<{ ike: number; child: number }> {
  const v = await ViciClient.connect(vici);
  try {
    const n = { ike: 0, child: 0 };
    await v.streamedRequest('list-sas', 'list-sa', {}, (m: ViciSection) => {
      for (const sa of Object.values(m)) {
        n.ike++;
        const children = (sa as ViciSection)['child-sas'];
        if (children && typeof children === 'object') n.child += Object.keys(children).length;
      }
    });
    return n;
  } finally {
    v.close();
  }
}

const MiB = (b: number) => (b / 1024 / 1024).toFixed(1);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const failovers = arg(argv, 'failovers', 1000);
  const every = arg(argv, 'sample', 50);
  const dir = mkdtempSync(join(tmpdir(), 'insupclient-segw-soak-'));
  let gateway: ChildProcess | undefined;
  const failures: string[] = [];
  try {
    const env = Object.fromEntries(
      lab('up', '2')
        .trim()
        .split('\n')
        .map((l) => l.split('=', 2) as [string, string]),
    );
    const [segw1, segw2] = env.SEGW_LAB_ADDRS.split(',');
    const [httpPort, sipsvcPort] = [await freePort(), await freePort()];
    const configPath = join(dir, 'gateway.yaml');
    writeFileSync(configPath, gatewayYaml(env, httpPort, sipsvcPort, dir));
    const log = openSync(join(dir, 'gateway.log'), 'w');
    // --expose-gc and a SIGUSR2 handler: each heap sample is taken right after a full GC,
    // so it shows what the gateway keeps, not the garbage of the moment.
    const gcOnSignal = `data:text/javascript,process.on('SIGUSR2', () => globalThis.gc())`;
    const main = join(dist, 'src/main.js');
    gateway = spawn(
      process.execPath,
      ['--expose-gc', '--import', gcOnSignal, main, '--config', configPath],
      { stdio: ['ignore', log, 'inherit'], cwd: root },
    );
    await waitReady(httpPort, gateway).catch(() => undefined); // never ready: no INSUPC
    const admin = new Admin(httpPort);
    await admin.upOn(segw1);
    console.log(
      `segw-failover-soak: ${failovers} failovers between ${segw1} and ${segw2}, sample every ${every}; ${cpus().length} CPU cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`,
    );
    const times: number[] = [];
    let maxSas = 0;
    const heaps: number[] = [];
    let cpuPrev = await cpuSeconds(gateway.pid!);
    const cpuStart = cpuPrev;
    const t0 = performance.now();
    for (let i = 1; i <= failovers; i++) {
      const to = i % 2 === 1 ? segw2 : segw1;
      await admin.failover();
      times.push(await admin.upOn(to));
      if (i % every === 0 || i === failovers) {
        const sas = await charonSas(env.SEGW_LAB_VICI);
        maxSas = Math.max(maxSas, sas.ike, sas.child);
        gateway.kill('SIGUSR2');
        await new Promise((r) => setTimeout(r, 100));
        const heap = await admin.heapUsed();
        heaps.push(heap);
        const cpu = await cpuSeconds(gateway.pid!);
        const recent = times.slice(-every);
        console.log(
          `  ${String(i).padStart(5)} failovers  charon SAs ${sas.ike} IKE / ${sas.child} CHILD  heap after GC ${MiB(heap)} MiB  gateway CPU ${(((cpu - cpuPrev) * 1000) / recent.length).toFixed(1)} ms/failover  switch mean ${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(0)} ms max ${Math.max(...recent).toFixed(0)} ms`,
        );
        cpuPrev = cpu;
        if (sas.ike !== 1 || sas.child !== 1)
          failures.push(
            `after ${i} failovers charon holds ${sas.ike} IKE / ${sas.child} CHILD SAs`,
          );
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpuTotal = (await cpuSeconds(gateway.pid!)) - cpuStart;
    const history = await admin.history();
    const notOk = history.filter((e) => e.result !== 'success');
    if (notOk.length > 0) failures.push(`${notOk.length} history entries did not succeed`);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log('result');
    console.log(`  failovers     ${times.length} in ${seconds.toFixed(0)} s`);
    console.log(
      `  switch ms     mean ${mean.toFixed(0)}  p50 ${pct(times, 50).toFixed(0)}  p99 ${pct(times, 99).toFixed(0)}  max ${Math.max(...times).toFixed(0)}`,
    );
    console.log(
      `  gateway CPU   ${cpuTotal.toFixed(1)} s, ${((cpuTotal * 1000) / times.length).toFixed(1)} ms per failover`,
    );
    console.log(
      `  heap MiB      after GC: first sample ${MiB(heaps[0])}, last ${MiB(heaps[heaps.length - 1])}, min ${MiB(Math.min(...heaps))}, max ${MiB(Math.max(...heaps))}`,
    );
    console.log(`  charon SAs at each sample: at most ${maxSas} IKE / CHILD (1 = nothing leaked)`);
    console.log(
      `  history       ${history.length} entries (kept: last 1000), codes ${JSON.stringify(countBy(history.map((e) => e.code)))}`,
    );
  } catch (e) {
    failures.push(e instanceof Error ? e.message : String(e));
  } finally {
    await stop(gateway);
    spawnSync('bash', [LAB, 'down'], { stdio: 'ignore', timeout: 120_000 });
    rmSync(dir, { recursive: true, force: true });
  }
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(failures.length === 0 ? 'segw-failover-soak: PASS' : 'segw-failover-soak: FAIL');
  if (failures.length > 0) process.exitCode = 1;
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

void main();
