// Runs a TypeScript script without a build (`node scripts/ts-run.js scripts/x.ts args...`):
// .ts files are transpiled on require by @swc/core, which jest already uses (@swc/jest).
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const script = resolve(process.argv[2]);
process.argv.splice(1, 2, script);
require(script);
