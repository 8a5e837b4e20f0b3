/**
 * `npm run demo`: the INSUPC simulator (INSUPC-1 on 19000, INSUPC-2 on 19100) and the
 * gateway with the default config (SIPSVC on 15021, admin HTTP on 15020), in one terminal.
 * Ctrl-C stops both gracefully. Child output is passed through as it is (JSON log lines).
 *
 * The children run in their own process groups, so the terminal's Ctrl-C (SIGINT to the
 * foreground group) reaches only this script, which forwards exactly one SIGTERM to each.
 * Were they in our group they would get the SIGINT too, and our SIGTERM would be the
 * gateway's second signal: "exit now", skipping the drain.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const dist = join(__dirname, '..');
const children: ChildProcess[] = [];
/** The gateway drains for up to application.shutdown.drain-timeout (10 s by default). */
const STOP_GRACE_MS = 15000;

function run(name: string, script: string, args: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [join(dist, script), ...args], {
    stdio: 'inherit',
    detached: true,
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`demo: ${name} exited (${signal ?? code}); stopping`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

const running = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

let stopping = false;
function stop(code = 0): void {
  // One signal per Ctrl-C: a second press reaches the gateway as its second signal (exit now).
  for (const c of children) if (running(c)) c.kill('SIGTERM');
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    for (const c of children) if (running(c)) c.kill('SIGKILL');
    process.exit(code || 1);
  }, STOP_GRACE_MS).unref();
  Promise.all(
    children.map((c) => new Promise((r) => (running(c) ? c.on('exit', r) : r(null)))),
  ).then(() => process.exit(code));
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));
// Detached children outlive us unless told: last resort if this script dies another way.
process.on('exit', () => {
  for (const c of children) if (running(c)) c.kill('SIGTERM');
});

// Started together: the gateway reconnects to INSUPC every retry-interval until it answers.
run('simulator', 'apps/insupc-simulator/src/main.js');
run('gateway', 'src/main.js', process.argv.slice(2));
console.error(
  'demo: gateway on 127.0.0.1:15021 (SIPSVC), http://127.0.0.1:15020 (admin). Try:\n' +
    '  npm run client -- execute mcidGetProfile 01012345678\n' +
    '  curl -s http://127.0.0.1:15020/state',
);
