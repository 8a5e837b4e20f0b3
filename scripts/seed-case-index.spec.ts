import { join } from 'node:path';
import { indexSeedCases, seedIdsIn, testNamePattern, titlesIn } from './seed-case-index';
import { SEED_CASES, SOAK_CASES } from './seed-cases';

describe('seed case index (npm run test:case)', () => {
  it('expands compact ids: slashes, ranges, several groups in one title', () => {
    expect(seedIdsIn('UT_01_001/003/005: whitelisted')).toEqual([
      'UT_01_001',
      'UT_01_003',
      'UT_01_005',
    ]);
    expect(seedIdsIn('SIPSVC timers (UT_01_007..009, e2e)')).toEqual([
      'UT_01_007',
      'UT_01_008',
      'UT_01_009',
    ]);
    expect(seedIdsIn('UT_06_001~UT_06_003 and UT_02_006/007')).toEqual([
      'UT_06_001',
      'UT_06_002',
      'UT_06_003',
      'UT_02_006',
      'UT_02_007',
    ]);
    expect(seedIdsIn('SIPSVC authentication (UT_01, e2e)')).toEqual([]);
  });

  it('reads describe / it / test titles in any quote, skipping interpolated ones and methods', () => {
    // upper-case here so this file's own titles are not read as covering these ids
    const src = [
      "DESCRIBE('outer (UT_01_001)', () => {",
      '  IT("it\'s UT_01_002", () => {});',
      "  IT(\n    'wrapped by prettier UT_01_003',",
      '  TEST(`backticks UT_01_004`, () => {});',
      '  IT(`made ${n} UT_01_005`, () => {});',
      "  expect(/x/.TEST('UT_01_006')).toBe(true);",
    ]
      .join('\n')
      .replace(/(DESCRIBE|IT|TEST)\(/g, (m) => m.toLowerCase());
    expect(titlesIn(src)).toEqual([
      { block: 'describe', title: 'outer (UT_01_001)' },
      { block: 'test', title: "it's UT_01_002" },
      { block: 'test', title: 'wrapped by prettier UT_01_003' },
      { block: 'test', title: 'backticks UT_01_004' },
    ]);
  });

  it('-t pattern: titles taken literally, a test anchored at the end, a describe before a child', () => {
    const pattern = new RegExp(
      testNamePattern([
        { id: 'x', file: 'f', kind: 'unit', block: 'test', title: 'UT_03_004: 15 at 5/s (max 3)' },
        { id: 'x', file: 'f', kind: 'unit', block: 'describe', title: 'timers (UT_01_007..009)' },
      ]),
      'i',
    );
    expect(pattern.test('suite UT_03_004: 15 at 5/s (max 3)')).toBe(true);
    expect(pattern.test('suite UT_03_004: 15 at 5/s (max 3) and more')).toBe(false);
    expect(pattern.test('timers (UT_01_007..009) closes after auth-timeout')).toBe(true);
    expect(pattern.test('timers (UT_01_007..009)')).toBe(false);
  });

  const index = indexSeedCases(join(__dirname, '..'));
  const filesOf = (id: string) => [...new Set(index.get(id)?.map((t) => t.file))].sort();

  it('finds every seed case of the plan in this repository (a jest test or the soak)', () => {
    const missing = Object.keys(SEED_CASES).filter((id) => !index.has(id) && !SOAK_CASES[id]);
    expect(missing).toEqual([]);
    expect(filesOf('UT_01_003')).toContain('test/sipsvc-auth.e2e-spec.ts');
  });

  it('every test an id maps to carries that id in its own title or its describe title', () => {
    const notCarried = [...index].flatMap(([id, tests]) =>
      tests
        .filter((t) => !seedIdsIn(t.title).includes(id))
        .map((t) => `${id}: ${t.file} "${t.title}"`),
    );
    expect(notCarried).toEqual([]);
  });

  it('the cases once mapped to the wrong tests (issue 22) map to tests that do what the seed case does', () => {
    // SipsvcRecvQueue full and WorkerQueue full, each answered with an error
    expect(filesOf('UT_03_002')).toEqual([
      'src/execute/execute.service.spec.ts',
      'test/sipsvc-dispatch.e2e-spec.ts',
    ]);
    // against the simulator: a pooled MA server; the target list at start-up; S never before A
    expect(filesOf('UT_04_010')).toEqual(['test/insupc-transport.e2e-spec.ts']);
    expect(filesOf('UT_04_011')).toEqual([
      'src/config/config.loader.spec.ts',
      'test/insupc-transport.e2e-spec.ts',
    ]);
    expect(filesOf('UT_04_012')).toEqual(['test/insupc-transport.e2e-spec.ts']);
    // the hour at 1,000 executes/s is the soak, not the bench
    expect(index.has('UT_08_001') || index.has('UT_08_002')).toBe(false);
    expect(SOAK_CASES.UT_08_001.join(' ')).toBe('--rate 1000 --duration 3600 --b-duration 0');
    expect(SOAK_CASES.UT_08_002.join(' ')).toBe('--rate 1000 --duration 1 --b-duration 3600');
  });
});
