/**
 * CI: merges the unit and e2e coverage (coverage/unit, coverage/e2e: istanbul JSON written
 * when JEST_CI_REPORTS=1), writes coverage/summary.json and fails below the seed plan's
 * completion criterion, 80 % of lines.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoverageMap } from 'istanbul-lib-coverage';

const ROOT = join(__dirname, '..');
const SUITES = ['unit', 'e2e'];
const MIN_LINES_PCT = 80;

function main(): number {
  const map = createCoverageMap({});
  for (const suite of SUITES) {
    const file = join(ROOT, 'coverage', suite, 'coverage-final.json');
    if (!existsSync(file)) {
      console.error(`coverage: ${file} missing (run the suites with JEST_CI_REPORTS=1)`);
      return 1;
    }
    map.merge(JSON.parse(readFileSync(file, 'utf8')) as Record<string, never>);
  }
  const summary = map.getCoverageSummary().toJSON();
  writeFileSync(join(ROOT, 'coverage', 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  const line = (k: keyof typeof summary) =>
    `${k.padEnd(10)} ${summary[k].pct.toFixed(2)} % (${summary[k].covered}/${summary[k].total})`;
  console.log(`coverage, unit + e2e, ${map.files().length} files:`);
  for (const k of ['lines', 'statements', 'functions', 'branches'] as const)
    console.log(`  ${line(k)}`);
  if (summary.lines.pct < MIN_LINES_PCT) {
    console.error(`coverage: lines ${summary.lines.pct} % is below ${MIN_LINES_PCT} %`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
