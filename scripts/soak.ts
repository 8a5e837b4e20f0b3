/**
 * `npm run soak -- --rate 1000 --duration 3600 [--b-duration S] [--connections 4] [--sample 10]
 * [--gray] [--session-timeout MS]`: the seed's endurance tests (UT_08) on this machine.
 * `--gray`: phase B makes INSUPC-1 silent on queries (a gray server, operations spec section 7)
 * instead of pushing INSUPC-2 to MB, and prints the execute success rate of every second.
 *
 * The INSUPC simulator (apps/insupc-simulator/bench/simulator-child.ts: two MA instances), the built
 * gateway (shipped config except: log level warn to a file, and the overload guards — TPS
 * limit, max-sessions, queue capacities — at ten times the offered load, so a stall of the
 * shared machine shows as latency instead of refusals; the fault-injection spec covers the
 * guards) and the open-loop load generator, each its own process. Phase UT_08_001 runs `--rate` executes/s for `--duration` s; phase UT_08_002 then
 * pushes INSUPC-2 to MB (Main, Block) and runs `--b-duration` s more (default: `--duration`). The gateway is
 * preloaded with scripts/soak-probe.ts, which reports RSS, heap and event-loop delay every
 * `--sample` s; each sample is printed as it comes.
 *
 * Pass (exit 0): every execute answered exactly once with result 0 (completion 100 %) and the
 * slowest answer under 3 s. A mean latency of 100 ms or more is reported as a WARN (the seed
 * calls it a recommendation).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  forkSimulator,
  SimulatorChildCommand,
} from '../apps/insupc-simulator/bench/simulator-child';
import {
  cpuSeconds,
  dist,
  exited,
  freePort,
  root,
  runLoadgen,
  stop,
  waitReady,
} from './lib/processes';
import { gatewayConfig, options, SoakOptions } from './lib/soak-config';
import { PhaseResult, summarise } from './lib/soak-report';
import type { ProbeSample } from './soak-probe';

/** every child, so an interrupted soak (Ctrl-C, SIGTERM) leaves none running. */
const children = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    process.exit(130);
  });
}

class Gateway {
  samples: ProbeSample[] = [];
  constructor(readonly child: ChildProcess) {
    child.on('message', (m: { soakProbe?: ProbeSample }) => {
      if (!m.soakProbe) return;
      this.samples.push(m.soakProbe);
      const s = m.soakProbe;
      console.log(
        `  sample  rss ${s.rssMiB} MiB  heap ${s.heapUsedMiB} MiB  event-loop delay mean ${s.eldMeanMs} ms p99 ${s.eldP99Ms} ms max ${s.eldMaxMs} ms`,
      );
    });
  }
}

async function phase(
  name: string,
  seconds: number,
  o: SoakOptions,
  gw: Gateway,
  sipsvcPort: number,
): Promise<PhaseResult> {
  console.log(`${name}: ${o.rate} executes/s for ${seconds} s over ${o.connections} connections`);
  gw.samples = [];
  const cpuBefore = await cpuSeconds(gw.child.pid!);
  const report = await runLoadgen(
    'sipsvc-loadgen',
    [
      '--port',
      String(sipsvcPort),
      '--connections',
      String(o.connections),
      '--rate',
      String(o.rate),
      '--duration',
      String(seconds),
      '--drain-timeout',
      '35',
    ],
    (child) => children.add(child),
  );
  const gatewayCpu = (await cpuSeconds(gw.child.pid!)) - cpuBefore;
  return { name, report, samples: gw.samples, gatewayCpu };
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'insupclient-soak-'));
  const { child: sim, ports: insupcPorts } = await forkSimulator(['INSUPC-1', 'INSUPC-2']);
  children.add(sim);
  const command = (c: SimulatorChildCommand) => sim.send(c);
  let gateway: ChildProcess | undefined;
  const failures: string[] = [];
  try {
    const [httpPort, sipsvcPort] = [await freePort(), await freePort()];
    const configPath = join(dir, 'gateway.yaml');
    writeFileSync(configPath, gatewayConfig(o, httpPort, sipsvcPort, insupcPorts, dir));
    const logPath = join(dir, 'gateway.log');
    const log = openSync(logPath, 'w');
    gateway = spawn(
      process.execPath,
      [
        '-r',
        join(dist, 'scripts/soak-probe.js'),
        join(dist, 'src/main.js'),
        '--config',
        configPath,
      ],
      {
        stdio: ['ignore', log, 'inherit', 'ipc'],
        cwd: root,
        env: { ...process.env, SOAK_PROBE_MS: String(o.sample * 1000) },
      },
    );
    children.add(gateway);
    const gw = new Gateway(gateway);
    const abort = (who: string) => (code: number | null) => {
      console.error(`soak: ${who} exited (${code}) during the run`);
      process.exit(1);
    };
    sim.on('exit', abort('simulator'));
    gateway.on('exit', abort('gateway'));
    await waitReady(httpPort, gateway);
    console.log(
      `soak: ${cpus().length} CPU cores (${cpus()[0]?.model ?? '?'}), node ${process.version}; simulator, gateway and load generator share them`,
    );
    const normal = await phase('UT_08_001 (two MA servers)', o.duration, o, gw, sipsvcPort);
    failures.push(...summarise(normal, o));
    if (o.bDuration > 0 && o.gray) {
      command({ update: { instances: { 'INSUPC-1': { scenario: 'query_no_response' } } } });
      await new Promise((r) => sim.once('message', r));
      const seconds = perSecondSuccess(httpPort);
      const b = await phase(
        'gray server (INSUPC-1 silent on queries)',
        o.bDuration,
        o,
        gw,
        sipsvcPort,
      );
      seconds.stop();
      const r = b.report;
      console.log(
        `  sent ${r.sent}, answered ${r.answered} (exactly once: ${r.exactlyOnce}), by result ${JSON.stringify(r.results)}, p99 ${r.latencyMs.p99} ms`,
      );
      if (!r.exactlyOnce) failures.push('gray server: not every execute answered exactly once');
    } else if (o.bDuration > 0) {
      command({ push: 'INSUPC-2', status: 'MB' });
      await new Promise((r) => sim.once('message', r));
      const b = await phase('UT_08_002 (INSUPC-2 pushed to MB)', o.bDuration, o, gw, sipsvcPort);
      failures.push(...summarise(b, o));
      command('queries');
      const q = await new Promise<Record<string, number>>((r) =>
        sim.once('message', (m) => r((m as { queries: Record<string, number> }).queries)),
      );
      console.log(`  queries per server while INSUPC-2 was MB: ${JSON.stringify(q)}`);
      if (q['INSUPC-2'] > 0) failures.push(`UT_08_002: INSUPC-2 (MB) got ${q['INSUPC-2']} queries`);
    }
    if (gateway.exitCode !== null) failures.push(`gateway exited (${gateway.exitCode})`);
    const logLines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
    console.log(`gateway log: ${logLines.length} WARN/ERROR line(s)`);
    for (const line of logLines.slice(0, 5)) console.log(`  ${line.slice(0, 240)}`);
  } finally {
    sim.removeAllListeners('exit');
    gateway?.removeAllListeners('exit');
    await stop(gateway);
    command('stop');
    await exited(sim);
    rmSync(dir, { recursive: true, force: true });
  }
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(failures.length === 0 ? 'soak: PASS' : 'soak: FAIL');
  if (failures.length > 0) process.exitCode = 1;
}

/**
 * Every second: executes answered in that second and the share answered 0, from the gateway's
 * /metrics (insupclient_sipsvc_requests_total), and whether INSUPC-1 is ejected.
 */
function perSecondSuccess(httpPort: number): { stop(): void } {
  const read = async (): Promise<{ ok: number; failed: number; ejected: string }> => {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    const value = (re: RegExp): number => Number(re.exec(text)?.[1] ?? 0);
    return {
      ok: value(/^insupclient_sipsvc_requests_total\{command="execute",outcome="success"\} (\S+)/m),
      failed: value(
        /^insupclient_sipsvc_requests_total\{command="execute",outcome="failure"\} (\S+)/m,
      ),
      ejected: /^insupclient_insupc_server_ejected\{server="INSUPC-1"\} 1/m.test(text)
        ? 'yes'
        : 'no',
    };
  };
  let last: { ok: number; failed: number } | undefined;
  let second = 0;
  console.log('  | second | answered | success % | INSUPC-1 ejected |');
  console.log('  |---|---|---|---|');
  const timer = setInterval(() => {
    void read()
      .then((now) => {
        if (last) {
          const ok = now.ok - last.ok;
          const answered = ok + now.failed - last.failed;
          const pct = answered > 0 ? ((100 * ok) / answered).toFixed(2) : '-';
          console.log(`  | ${++second} | ${answered} | ${pct} | ${now.ejected} |`);
        }
        last = now;
      })
      .catch(() => undefined);
  }, 1000);
  return { stop: () => clearInterval(timer) };
}

main().catch((e: unknown) => {
  console.error(`soak: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
