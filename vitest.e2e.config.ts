import { defineConfig } from 'vitest/config';
import { packageAliases } from './vitest.shared.js';

// Browser tests: Debian's Chromium driven by playwright-core against the real demo server.
export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One Chromium at a time: CI machines are small.
    fileParallelism: false,
  },
});
