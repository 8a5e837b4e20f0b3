/**
 * A suite that cannot run on this machine: under CI=true it fails with its reason (CI installs
 * what every suite needs, so a suite that cannot run there is a broken CI, never a pass);
 * elsewhere it is skipped after a loud banner. The shell twin is scripts/skip-or-fail.sh.
 */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

/** `describe.skip` after a banner, or under CI=true an error naming `what` and `why`. */
export function skipOrFail(
  what: string,
  why: string,
  env: NodeJS.ProcessEnv = process.env,
): jest.Describe {
  if (underCi(env)) {
    throw new Error(`${what} cannot run here and CI=${env.CI}: ${why}`);
  }
  process.stderr.write(
    `\n\n*** ${what} CANNOT RUN ON THIS MACHINE — SKIPPED, NOT PASSED (under CI=true this fails) ***\n*** ${why} ***\n\n`,
  );
  return describe.skip;
}
