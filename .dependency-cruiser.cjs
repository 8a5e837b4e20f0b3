/**
 * Which way the code may depend (npm run lint runs `depcruise`). The picture:
 * transports (src/sipsvc, src/insupc) → src/contracts ← src/execute; src/statistics composes
 * the counter sets features register; libs are shared by everyone and depend on nothing here;
 * config and common import no feature; test doubles (testing/) are for specs only; product
 * code needs no devDependency at run time.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide which part owns what; break them with an interface.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libs-stand-alone',
      severity: 'error',
      comment:
        'libs/ are shared by the gateway, the simulator and the tools: never import src or apps.',
      from: { path: '^libs/' },
      to: { path: '^(src|apps)/' },
    },
    {
      name: 'simulator-not-gateway',
      severity: 'error',
      comment:
        'The INSUPC simulator stands in for a real server: it shares only libs/ with the gateway.',
      from: { path: '^apps/insupc-simulator/' },
      to: { path: '^src/' },
    },
    {
      name: 'insupc-not-sipsvc',
      severity: 'error',
      comment: 'The two transports meet only through src/contracts.',
      from: { path: '^src/insupc/' },
      to: { path: '^src/sipsvc/' },
    },
    {
      name: 'sipsvc-not-insupc',
      severity: 'error',
      comment: 'The two transports meet only through src/contracts.',
      from: { path: '^src/sipsvc/' },
      to: { path: '^src/insupc/' },
    },
    {
      name: 'insupc-not-execute',
      severity: 'error',
      comment:
        'The INSUPC transport serves the query port in src/contracts; it does not know its caller.',
      from: { path: '^src/insupc/' },
      to: { path: '^src/execute/' },
    },
    {
      name: 'execute-not-transports',
      severity: 'error',
      comment:
        'The execute pipeline sees the transports only through src/contracts (its Nest module imports the module that provides INSUPC_QUERY).',
      from: { path: '^src/execute/', pathNot: '\\.module\\.ts$' },
      to: { path: '^src/(sipsvc|insupc)/' },
    },
    {
      name: 'contracts-depend-on-nothing-here',
      severity: 'error',
      comment: 'Contracts are what both sides import; they import no feature.',
      from: { path: '^src/contracts/' },
      to: { path: '^src/(?!contracts/)' },
    },
    {
      name: 'statistics-knows-no-feature',
      severity: 'error',
      comment: 'Statistics composes registered counter sets; it does not import their owners.',
      from: { path: '^src/statistics/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/(sipsvc|insupc|execute|segw)/' },
    },
    {
      name: 'config-knows-no-feature',
      severity: 'error',
      comment:
        'Every feature reads its config; config imports none of them (shared semantics live in libs/, contracts or common).',
      from: { path: '^src/config/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/(?!(config|common|contracts)/)' },
    },
    {
      name: 'common-knows-no-feature',
      severity: 'error',
      comment:
        'src/common (scheduler, file I/O, queues) is used by every feature and imports none.',
      from: { path: '^src/common/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/(?!(common|contracts)/)' },
    },
    {
      name: 'testing-only-from-specs',
      severity: 'error',
      comment:
        'Test doubles (testing/ folders) are left out of the build and the image (tsconfig.build.json): only specs and other doubles import them.',
      from: { pathNot: '([.-]spec\\.ts$|/testing/)' },
      to: { path: '^(src|apps|libs)/.*/testing/' },
    },
    {
      name: 'no-dev-dependency-in-product',
      severity: 'error',
      comment:
        'The image installs dependencies only (npm prune --omit=dev): product code must not need a devDependency at run time (type-only imports vanish in the build).',
      from: {
        path: '^(src|apps|libs)/',
        pathNot: '(\\.spec\\.ts$|(^|/)testing/)',
      },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
