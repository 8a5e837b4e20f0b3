/**
 * The seed's test workflow (`-TestId UT_01_001`, `-List`):
 *   npm run test:case -- UT_01_003 [UT_03_004 ...]   runs exactly the tests covering those ids
 *   npm run test:case -- --list                       every seed id with its spec file and test
 * Some e2e specs run `dist/`: it is built when missing; `--build` rebuilds it first.
 * UT_08_001 / UT_08_002 run the one-hour soak under the seed's conditions (`npm run soak`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CoveringTest, indexSeedCases, SpecKind, testNamePattern } from './seed-case-index';
import { SEED_CASES, SOAK_CASES } from './seed-cases';

const ROOT = join(__dirname, '..');
const CONFIGS: Record<SpecKind, string[]> = {
  unit: ['--config', 'jest.config.js'],
  e2e: ['--config', 'test/jest-e2e.config.js', '--runInBand'],
};

function list(index: Map<string, CoveringTest[]>): number {
  const ids = [...new Set([...Object.keys(SEED_CASES), ...index.keys()])].sort();
  for (const id of ids) {
    const tests = index.get(id) ?? [];
    console.log(`${id}  ${SEED_CASES[id] ?? '(not in the seed plan)'}`);
    for (const t of tests)
      console.log(
        `    ${t.kind.padEnd(4)} ${t.file}  ${t.block === 'describe' ? '[describe] ' : ''}${t.title}`,
      );
    if (SOAK_CASES[id]) console.log(`    soak npm run soak -- ${SOAK_CASES[id].join(' ')}`);
    else if (tests.length === 0) console.log('    NOT COVERED');
  }
  return 0;
}

function run(ids: string[], index: Map<string, CoveringTest[]>, build: boolean): number {
  const unknown = ids.filter((id) => !index.has(id) && !SOAK_CASES[id]);
  if (unknown.length > 0) {
    for (const id of unknown)
      console.error(`${id}: no test covers it (npm run test:case -- --list)`);
    return 2;
  }
  const tests = ids.flatMap((id) => index.get(id) ?? []);
  for (const kind of ['unit', 'e2e'] as const) {
    const selected = tests.filter((t) => t.kind === kind);
    if (selected.length === 0) continue;
    if (kind === 'e2e' && (build || !existsSync(join(ROOT, 'dist', 'src', 'main.js')))) {
      const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
      if (b.status !== 0) return b.status ?? 1;
    }
    const files = [...new Set(selected.map((t) => t.file))];
    const args = [...CONFIGS[kind], '--runTestsByPath', ...files, '-t', testNamePattern(selected)];
    console.log(
      `jest ${args.map((a) => (/[\s'"()|$]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
    );
    const r = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), ...args], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0) return r.status ?? 1;
  }
  for (const id of ids.filter((i) => SOAK_CASES[i])) {
    const args = ['run', 'soak', '--', ...SOAK_CASES[id]];
    console.log(`${id}: npm ${args.join(' ')}`);
    const r = spawnSync('npm', args, { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) return r.status ?? 1;
  }
  return 0;
}

function main(argv: string[]): number {
  const index = indexSeedCases(ROOT);
  if (argv.includes('--list')) return list(index);
  const ids = argv.filter((a) => !a.startsWith('--')).map((a) => a.toUpperCase());
  if (ids.length === 0) {
    console.error('usage: npm run test:case -- UT_01_003 [more ids] [--build] | --list');
    return 2;
  }
  return run(ids, index, argv.includes('--build'));
}

process.exitCode = main(process.argv.slice(2));
