/**
 * The build (tsconfig.build.json: `nest build` here and in the image) compiles no test double
 * (`**\/testing/**`) and no spec: neither as a root file nor pulled in by an import from
 * production code. `.ci/run` also checks the built dist/ itself.
 */
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');

function compiledFiles(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.build.json unreadable');
  const program = ts.createProgram(config.fileNames, config.options);
  return program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f))
    .map((f) => relative(ROOT, f.fileName));
}

it('builds the product, without test doubles or specs', () => {
  const files = compiledFiles();
  expect(files).toContain('src/main.ts');
  expect(files.filter((f) => /(^|\/)testing\/|\.spec\.ts$|^test\//.test(f))).toEqual([]);
}, 30_000);
