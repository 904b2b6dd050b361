// Mutation testing of domain/, machines/ and src/. Left out: src/testing (the test kit itself),
// the index files (they only re-export), and the oauth, sse, graphql-ws and redis entry points, whose
// tests run against real servers with real token lifetimes, or a real redis-server and several Node
// processes (seconds per test, far too slow to run per mutant on two cores). `npm run test:mutation` prints the score.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: [
    'domain/**/*.ts',
    'machines/**/*.ts',
    'src/**/*.ts',
    '!src/testing/**',
    '!src/**/index.ts',
    '!src/{oauth,sse,graphql-ws,redis}/**',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: the machine's statechart literal, default options, error
  // classes) each need a fresh test environment and every test file: about 40 s each, over 4 h on
  // two cores for the ~790 of them. Those that only module loading reaches are left out here; those
  // that tests also reach run without the reload, so a mutant of module-level code stays inactive
  // in the module already loaded and counts as a survivor. The second pass,
  // stryker.machine.config.mjs, measures machines/ with the reload (`npm run test:mutation:machine`).
  ignoreStatic: true,
  // Two shared cores: one sandbox per core at most.
  concurrency: 2,
  timeoutMS: 8_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'reports', 'coverage', 'test/e2e'],
};
