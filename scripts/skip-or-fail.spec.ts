/**
 * Under CI=true a suite that cannot run fails the run with its reason; elsewhere it skips,
 * loudly (scripts/skip-or-fail.sh, test/support/skip-or-fail.ts). The scripts run for real
 * with stand-ins on PATH for the tools they need (a podman that cannot run, an apt-get that
 * fails, no strongSwan): nothing is built, installed or started.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIfLabRuns } from '../test/lab/lab-helpers';
import { skipOrFail } from '../test/support/skip-or-fail';

const ROOT = join(__dirname, '..');
let dir: string;
let bin: string;

/** An executable `name` in the stand-in bin directory running `body` (sh). */
function stub(name: string, body: string): void {
  const file = join(bin, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

function run(script: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync('bash', [join(ROOT, script)], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function withCi(ci: string | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...extra };
  delete env.CI;
  if (ci !== undefined) env.CI = ci;
  return env;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skip-or-fail-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run test:container (scripts/container-test.sh)', () => {
  /** Every tool the script would install is present; podman cannot run anything. */
  function podmanThatCannotRun(uid = 0): NodeJS.ProcessEnv {
    for (const tool of ['runc', 'mmdebstrap', 'podman-compose', 'netavark', 'aardvark-dns']) {
      stub(tool, 'exit 0');
    }
    stub('catatonit', 'exit 0');
    stub('podman', 'echo "Error: cannot run podman in this test" >&2; exit 1');
    stub('apt-get', 'echo "apt-get must not run in this test" >&2; exit 1');
    stub('id', `[ "$1" = -u ] && echo ${uid} || exec /usr/bin/id "$@"`);
    return {
      CONTAINERS_CONF: join(dir, 'containers.conf'),
      CACHE_DIR: join(dir, 'cache'),
    };
  }

  it('fails under CI=true when podman cannot run, with the reason', () => {
    const r = run('scripts/container-test.sh', withCi('true', podmanThatCannotRun()));
    expect(r.status).toBe(1);
    expect(r.out).toContain('container test FAILED');
    expect(r.out).toContain('podman info fails here: Error: cannot run podman in this test');
  });

  it('fails under CI=true when it is not root', () => {
    const r = run('scripts/container-test.sh', withCi('true', podmanThatCannotRun(1000)));
    expect(r.status).toBe(1);
    expect(r.out).toContain('needs root');
  });

  it('skips loudly, exit 0, outside CI', () => {
    const r = run('scripts/container-test.sh', withCi(undefined, podmanThatCannotRun()));
    expect(r.status).toBe(0);
    expect(r.out).toContain('container test SKIPPED (NOT PASSED): podman info fails here');
  });
});

describe('npm run test:k8s (scripts/k8s-test.sh)', () => {
  /** No kubectl cached, and apt-get cannot download one. */
  function noKubectl(): NodeJS.ProcessEnv {
    stub('apt-get', 'echo "E: no network in this test" >&2; exit 100');
    return { CACHE_DIR: join(dir, 'kubectl-cache'), KUBECTL: '' };
  }

  it('fails under CI=true when ensure-kubectl.sh fails, with the reason', () => {
    const r = run('scripts/k8s-test.sh', withCi('true', noKubectl()));
    expect(r.status).toBe(1);
    expect(r.out).toContain('test:k8s FAILED');
    expect(r.out).toContain('apt-get download kubernetes-client failed');
  });

  it('skips loudly, exit 0, outside CI', () => {
    const r = run('scripts/k8s-test.sh', withCi(undefined, noKubectl()));
    expect(r.status).toBe(0);
    expect(r.out).toContain('test:k8s SKIPPED (NOT PASSED)');
  });
});

describe('the SEGW lab specs (describeIfLabRuns)', () => {
  /** A PATH with bash and id only: `segw-lab.sh check` finds no strongSwan and exits 3. */
  function noStrongSwan(ci: string | undefined): NodeJS.ProcessEnv {
    symlinkSync('/bin/bash', join(bin, 'bash'));
    stub('id', 'echo 0');
    const env = withCi(ci);
    env.PATH = bin;
    return env;
  }

  it('fail under CI=true when the lab cannot run here, with the reason', () => {
    expect(() => describeIfLabRuns('SEGW lab tests', noStrongSwan('true'))).toThrow(
      /SEGW LAB \(SEGW lab tests\) cannot run here and CI=true: .*strongSwan packages missing/,
    );
  });

  it('are skipped outside CI', () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(describeIfLabRuns('SEGW lab tests', noStrongSwan(undefined))).toBe(describe.skip);
      expect(String(stderr.mock.calls[0][0])).toContain('SKIPPED, NOT PASSED');
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('skipOrFail', () => {
  it('throws under CI=true or CI=1, names the suite and the reason', () => {
    expect(() => skipOrFail('X', 'no y', { CI: 'true' })).toThrow(
      'X cannot run here and CI=true: no y',
    );
    expect(() => skipOrFail('X', 'no y', { CI: '1' })).toThrow('CI=1');
  });
});
