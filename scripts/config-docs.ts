/**
 * `npm run config:docs`: writes `config/insupclient.yaml` and the generated part of
 * `docs/configuration.md` from the config classes. `--check` writes nothing and exits 1 when a checked-in copy differs
 * (the unit spec src/config/config-docs.spec.ts does the same check in CI).
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigReference, renderConfigYaml } from '../src/config/config-docs';

const root = join(__dirname, '..', '..');
const REFERENCE = 'docs/configuration.md';
const outputs: [string, string][] = [
  ['config/insupclient.yaml', renderConfigYaml()],
  // its generated part only: the hand-written text around the markers stays
  [REFERENCE, renderConfigReference(readFileSync(join(root, REFERENCE), 'utf8'))],
];
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, text] of outputs) {
  const file = join(root, path);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing: written below, or stale under --check
  }
  if (current === text) continue;
  if (check) {
    console.error(`${path} is out of date: run npm run config:docs`);
    stale++;
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale ? 1 : 0);
