/**
 * `npm run demo`: the INSUPC simulator (INSUPC-1 on 19000, INSUPC-2 on 19100) and the
 * gateway with the default config (SIPSVC on 15021, admin HTTP on 15020), in one terminal.
 * Ctrl-C stops both. Child output is passed through as it is (JSON log lines).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const dist = join(__dirname, '..');
const children: ChildProcess[] = [];

function run(name: string, script: string, args: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [join(dist, script), ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`demo: ${name} exited (${signal ?? code}); stopping`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0): void {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))),
  ).then(() => process.exit(code));
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// Started together: the gateway reconnects to INSUPC every retry-interval until it answers.
run('simulator', 'apps/insupc-simulator/src/main.js');
run('gateway', 'src/main.js', process.argv.slice(2));
console.error(
  'demo: gateway on 127.0.0.1:15021 (SIPSVC), http://127.0.0.1:15020 (admin). Try:\n' +
    '  npm run client -- execute mcidGetProfile 01012345678\n' +
    '  curl -s http://127.0.0.1:15020/state',
);
