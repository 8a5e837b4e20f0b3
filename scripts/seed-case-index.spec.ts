import { join } from 'node:path';
import { indexSeedCases, seedIdsIn, testNamePattern, titlesIn } from './seed-case-index';
import { NOT_A_SPEC, SEED_CASES } from './seed-cases';

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

  it('finds every seed case of the plan in this repository (or names where it is covered)', () => {
    const index = indexSeedCases(join(__dirname, '..'));
    const missing = Object.keys(SEED_CASES).filter((id) => !index.has(id) && !NOT_A_SPEC[id]);
    expect(missing).toEqual([]);
    expect(index.get('UT_01_003')?.map((t) => t.file)).toContain('test/sipsvc-auth.e2e-spec.ts');
  });
});
