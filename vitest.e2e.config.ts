import { defineConfig } from 'vitest/config';
import { packageAliases } from './vitest.shared.js';

// Browser tests: the engine E2E_ENGINE names (chromium, firefox or webkit; test/e2e/engines/) against the real
// demo server. Every test's line carries the engine's name, so a failure says where it failed.
const engine = process.env.E2E_ENGINE ?? 'chromium';

export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    name: engine,
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One browser at a time: CI machines are small.
    fileParallelism: false,
  },
});
