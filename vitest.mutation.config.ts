import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs for every mutant: the unit, model-based, property-based and kit tests.
 * Left out: real-network servers, browser/e2e and benchmarks (slow and not about machines/ or src/).
 * The property test runs 100 sequences and the model test one path per edge shape here;
 * `npm test` runs 1000 sequences and every edge.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/browser/**', 'test/**/*.browser.test.ts', 'test/**/*.bench.test.ts', 'test/authHttpServer.test.ts', 'node_modules/**'],
    env: { FC_RUNS: '100', MODEL_PATHS: 'distinct' },
    testTimeout: 20_000,
  },
});
