/**
 * Which spec titles cover which seed case: parses `describe` / `it` / `test` titles out of the
 * spec files (no jest run), expands compact ids (`UT_01_001/003/005`, `UT_01_007..009`) and
 * builds the `-t` pattern that selects exactly those tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type SpecKind = 'unit' | 'e2e';

export interface CoveringTest {
  id: string;
  file: string;
  kind: SpecKind;
  /** a `describe` title covers every test inside it. */
  block: 'describe' | 'test';
  title: string;
}

const ID_GROUP = /UT_(\d\d)_(\d{3})((?:\/\d{3})*)(?:(?:\.\.|~)(?:UT_\d\d_)?(\d{3}))?/g;

/** Every seed id a title names: `UT_01_001/003/005` → 3 ids, `UT_01_007..009` → 3 ids. */
export function seedIdsIn(title: string): string[] {
  const ids: string[] = [];
  for (const m of title.matchAll(ID_GROUP)) {
    const [, group, first, more, last] = m;
    const numbers = [first, ...more.split('/').filter(Boolean)].map(Number);
    if (last) for (let n = Number(first) + 1; n <= Number(last); n++) numbers.push(n);
    for (const n of numbers) ids.push(`UT_${group}_${String(n).padStart(3, '0')}`);
  }
  return [...new Set(ids)];
}

/** `it(` / `test(` / `describe(` calls, not methods such as `re.test(`. */
const TITLE =
  /(?<![.\w$])(describe|it|test)(?:\.only|\.concurrent)?\(\s*(['"`])((?:\\.|(?!\2)[^\\])*)\2/g;

/** `describe` / `it` / `test` titles written as plain string literals. */
export function titlesIn(source: string): { block: 'describe' | 'test'; title: string }[] {
  const out: { block: 'describe' | 'test'; title: string }[] = [];
  for (const m of source.matchAll(TITLE)) {
    const [, fn, quote, raw] = m;
    if (quote === '`' && raw.includes('${')) continue;
    out.push({
      block: fn === 'describe' ? 'describe' : 'test',
      title: raw.replace(/\\(.)/g, '$1'),
    });
  }
  return out;
}

function walk(dir: string, suffix: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, suffix, out);
    else if (e.name.endsWith(suffix)) out.push(path);
  }
  return out;
}

/** The spec files of both jest configs (unit: src, apps, libs, scripts; e2e: test). */
export function specFiles(root: string): { file: string; kind: SpecKind }[] {
  const unit = ['src', 'apps', 'libs', 'scripts'].flatMap((d) =>
    walk(join(root, d), '.spec.ts', []),
  );
  const e2e = walk(join(root, 'test'), '.e2e-spec.ts', []);
  return [
    ...unit.map((f) => ({ file: relative(root, f), kind: 'unit' as const })),
    ...e2e.map((f) => ({ file: relative(root, f), kind: 'e2e' as const })),
  ].sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * Every test covering each seed id: those whose title, or whose describe's, names it. Within
 * a file the tests that name the id win over a `describe` that names it (the describe's
 * other tests are about other cases).
 */
export function indexSeedCases(root: string): Map<string, CoveringTest[]> {
  const index = new Map<string, CoveringTest[]>();
  const add = (t: CoveringTest) => index.set(t.id, [...(index.get(t.id) ?? []), t]);
  const files = specFiles(root);
  for (const { file, kind } of files) {
    const titles = titlesIn(readFileSync(join(root, file), 'utf8'));
    const found = titles.flatMap((t) => seedIdsIn(t.title).map((id) => ({ id, file, kind, ...t })));
    for (const t of found) {
      const namedByTest = found.some((o) => o.id === t.id && o.block === 'test');
      if (t.block === 'test' || !namedByTest) add(t);
    }
  }
  return index;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * jest `-t` pattern for these tests: jest matches it against "<describe …> <test title>", so
 * a test title is anchored at the end and a describe title must be followed by a child's.
 */
export function testNamePattern(tests: CoveringTest[]): string {
  const parts = tests.map((t) => escapeRegExp(t.title) + (t.block === 'test' ? '$' : ' '));
  return `(?:${[...new Set(parts)].join('|')})`;
}
