import { defineConfig } from 'vitest/config';
import { packageAliases } from './vitest.shared.js';

// Needs Debian's redis-server: each file starts its own on a free loopback port (test/support/redisServer.ts).
export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ['test/redis/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Several Node processes per test: one file at a time on a small machine.
    fileParallelism: false,
    // oidc-provider warns on Node 20 ("Unsupported runtime") and works: known, and noise here.
    onConsoleLog: (log) => !log.includes('oidc-provider WARNING: Unsupported runtime'),
  },
});
