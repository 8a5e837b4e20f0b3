/**
 * Driving test/lab/segw-lab.sh from the SEGW lab specs: can this machine host the lab,
 * bring it up and down, and the tunnel definition both specs give the gateway.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { skipOrFail } from '../support/skip-or-fail';

export const LAB_SCRIPT = join(__dirname, 'segw-lab.sh');

/** What `segw-lab.sh up` prints: SEGW_LAB_* variables naming the lab's sockets, addresses and keys. */
export type LabEnv = Record<string, string>;

/**
 * `describe` when the lab can run here, else `skipOrFail`: under CI=true an error with the
 * reason, elsewhere `describe.skip` after a loud banner naming `what` was skipped. `check`
 * never installs anything (that is `segw-lab.sh install`, run before jest), so collecting the
 * specs stays quick. Only `check`'s exit 3 means "cannot run here"; any other failure is a
 * broken lab, so the suite runs and fails on it.
 */
export function describeIfLabRuns(what: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync('bash', [LAB_SCRIPT, 'check'], { env, encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return describe;
  const why = (r.stderr || r.stdout || `exit ${r.status}`).trim();
  if (r.status !== 3) {
    process.stderr.write(`segw-lab.sh check failed (exit ${r.status}): ${why}\n`);
    return describe;
  }
  return skipOrFail(`SEGW LAB (${what})`, why, env);
}

/** Runs `segw-lab.sh args...`; its stdout, or an error carrying its stderr. */
export function runLab(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync('bash', [LAB_SCRIPT, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0)
    throw new Error(`segw-lab.sh ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Brings the lab up with `segws` SEGWs and returns what it printed. */
export function labUp(env: NodeJS.ProcessEnv, segws: number): LabEnv {
  return Object.fromEntries(
    runLab(env, 'up', String(segws))
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
}

/** Tears the lab down (also kills anything still running in its namespaces); never throws. */
export function labDown(env: NodeJS.ProcessEnv): void {
  spawnSync('bash', [LAB_SCRIPT, 'down'], { env, stdio: 'ignore', timeout: 60_000 });
}

/**
 * operations.md section 5's example connection, verbatim but for the lab's addresses and
 * identities: `remote_addrs` and `local_addrs` as comma strings, the rest as YAML lists.
 */
export function specTunnel(lab: LabEnv, remoteAddrs = lab.SEGW_LAB_ADDRS) {
  return {
    remote_addrs: remoteAddrs,
    local_addrs: '%any',
    version: 2,
    proposals: [lab.SEGW_LAB_PROPOSALS],
    local: { auth: 'psk', id: lab.SEGW_LAB_LOCAL_ID },
    remote: { auth: 'psk', id: lab.SEGW_LAB_REMOTE_ID },
    children: {
      'insupc-child': {
        local_ts: [lab.SEGW_LAB_LOCAL_TS],
        remote_ts: [lab.SEGW_LAB_REMOTE_TS],
        esp_proposals: [lab.SEGW_LAB_PROPOSALS],
      },
    },
  };
}

export const labSecrets = (lab: LabEnv) => [
  { type: 'ike', id: lab.SEGW_LAB_LOCAL_ID, secret: lab.SEGW_LAB_PSK },
];

/** The segw `connections` and `secrets` for the lab's tunnel 'insupc-tunnel', DPD at `dpd`. */
export function labTunnel(lab: LabEnv, dpd = lab.SEGW_LAB_DPD) {
  return {
    connections: { 'insupc-tunnel': { ...specTunnel(lab), dpd_delay: dpd } },
    secrets: labSecrets(lab),
  };
}
