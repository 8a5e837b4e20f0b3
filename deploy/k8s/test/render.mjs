// Rendering and schema checks for the Kubernetes manifests (see manifests.test.mjs).
// Plain ESM because kubernetes-models is ESM-only, which Jest (CommonJS here) cannot load.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml');
const ts = require('typescript');

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The kubectl binaries to render with: $KUBECTL (scripts/ensure-kubectl.sh provides
 * Debian's kubectl, kustomize v2) and the `kubectl` on PATH when it is another one.
 */
export function kubectls() {
  const found = [];
  if (process.env.KUBECTL) found.push(process.env.KUBECTL);
  const onPath = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
  if (onPath && !found.includes(onPath)) found.push(onPath);
  if (found.length === 0) {
    throw new Error('no kubectl: run `bash scripts/ensure-kubectl.sh` and set KUBECTL');
  }
  return found;
}

/** `kubectl kustomize dir` → the rendered objects. */
export function render(kubectl, dir) {
  const text = execFileSync(kubectl, ['kustomize', path.join(ROOT, dir)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return yaml.loadAll(text).filter((o) => o !== null);
}

/** Validates each object with its kubernetes-models class; returns the error messages. */
export async function schemaErrors(objects) {
  const errors = [];
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.name}`;
    let Model;
    try {
      Model = (await import(`kubernetes-models/${o.apiVersion}/${o.kind}`))[o.kind];
    } catch (e) {
      errors.push(`${id}: no model for ${o.apiVersion} ${o.kind} (${e.message})`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      errors.push(`${id}: ${e.message}`);
    }
  }
  return errors;
}

/**
 * The strict unknown-key check the schema validation lacks (it accepts a misspelled optional
 * field): each object becomes an object literal typed with its model's interface, and the
 * TypeScript compiler's excess-property check reports every key the model does not have,
 * at any depth. Returns the compiler's messages.
 */
export function unknownKeyErrors(objects) {
  const dir = mkdtempSync(path.join(ROOT, 'node_modules', '.k8s-strict-'));
  try {
    const lines = [];
    objects.forEach((o, i) => {
      const module = `kubernetes-models/${o.apiVersion}/${o.kind}`;
      lines.push(`import type { I${o.kind} as T${i} } from ${JSON.stringify(module)};`);
      lines.push(`/** ${o.kind}/${o.metadata?.name} */`);
      lines.push(`export const o${i}: T${i} = ${JSON.stringify(o, null, 1)};`);
    });
    const file = path.join(dir, 'manifests.mts');
    writeFileSync(file, lines.join('\n'));
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file) return text;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      const owner = d.file.text
        .split('\n')
        .slice(0, line + 1)
        .reverse()
        .find((l) => l.startsWith('/** '));
      return `${owner ?? ''} line ${line + 1}: ${text}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
