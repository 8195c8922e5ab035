/**
 * The import arrows of docs/architecture.md. A folder may import only what its row allows;
 * no cycles anywhere; ccxt only inside feeds/ccxt.
 */
const layer = (from, allowed) => ({
  name: `${from}-imports-only-${allowed.join('-') || 'nothing'}`,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: { path: '^src/', pathNot: [`^src/${from}/`, ...allowed.map((a) => `^src/${a}/`)] },
});

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    layer('model', []),
    layer('io', ['model']),
    layer('ports', ['model']),
    layer('strategies', ['model']),
    layer('risk', ['model', 'ports']),
    layer('broker', ['model', 'ports']),
    layer('feeds', ['model', 'ports', 'io']),
    layer('engine', ['model', 'ports', 'strategies', 'risk', 'broker']),
    layer('control', ['model', 'ports', 'io']),
    layer('persistence', ['model', 'ports']),
    layer('monitoring', ['model', 'ports', 'io']),
    layer('reports', ['model', 'ports']),
    layer('shadow', ['model', 'ports', 'strategies', 'risk', 'io']),
    layer('config', ['model', 'strategies', 'risk']),
    layer('readiness', ['model', 'ports', 'io', 'risk']),
    layer('cli', ['app', 'model', 'io', 'monitoring', 'reports', 'config', 'persistence', 'strategies', 'readiness']),
    {
      // SPEC §7: challengers and advisors have no path to the broker, directly or through any other module.
      name: 'shadow-never-reaches-broker',
      severity: 'error',
      from: { path: '^src/shadow/' },
      to: { path: '^src/broker/', reachable: true },
    },
    {
      name: 'ccxt-only-in-feeds-ccxt',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/feeds/ccxt/' },
      to: { path: 'node_modules/ccxt' },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
