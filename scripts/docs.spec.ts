/**
 * The README is a one-page entry (at most 350 lines, the two Quick start commands as they
 * are) and every relative link in it and in docs/ points at a file and heading that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);
/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(path: string): Set<string> {
  const text = read(path).replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
}

describe('README.md', () => {
  const readme = read('README.md');

  it('is one page: at most 350 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(350);
  });

  it('keeps the two Quick start commands', () => {
    expect(readme).toContain(
      [
        '```sh',
        '# run the gateway with the INSUPC simulator as its backend',
        'npm ci && npm run demo',
        '',
        '# install and run all tests (unit + e2e)',
        'npm ci && npm test',
        '```',
      ].join('\n'),
    );
  });

  it('links every file under docs/', () => {
    for (const doc of DOCS.filter((d) => d.startsWith('docs/'))) {
      expect({ doc, linked: readme.includes(`(${doc})`) }).toEqual({ doc, linked: true });
    }
  });
});

describe('relative links in README.md and docs/', () => {
  it.each(DOCS)('%s: every linked file and heading exists', (doc) => {
    const text = read(doc).replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
      const [file, hash] = target.split('#');
      const path = file ? relative(ROOT, join(ROOT, dirname(doc), file)) : doc;
      if (!existsSync(join(ROOT, path))) broken.push(`${target}: no file ${path}`);
      else if (hash && path.endsWith('.md') && !anchorsOf(path).has(hash))
        broken.push(`${target}: no heading #${hash} in ${path}`);
    }
    expect(broken).toEqual([]);
  });
});
