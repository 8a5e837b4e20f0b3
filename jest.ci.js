/**
 * CI reports, on when JEST_CI_REPORTS=1 (.ci/run): a JUnit file per suite under reports/
 * and istanbul JSON coverage under coverage/<name>/, merged and checked by
 * `npm run coverage:check` (scripts/coverage-check.ts).
 */
module.exports = function ciReports(name) {
  if (process.env.JEST_CI_REPORTS !== '1') return {};
  return {
    reporters: [
      'default',
      [
        'jest-junit',
        { outputDirectory: 'reports', outputName: `junit-${name}.xml`, suiteName: name },
      ],
    ],
    collectCoverage: true,
    collectCoverageFrom: ['{src,apps,libs}/**/*.ts', '!**/*.spec.ts', '!**/testing/**'],
    coverageDirectory: `coverage/${name}`,
    coverageReporters: ['json'],
  };
};
