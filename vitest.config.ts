import { defineConfig } from 'vitest/config';
import { packageAliases } from './vitest.shared.js';

export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // test/redis needs redis-server: npm run test:redis (vitest.redis.config.ts).
    exclude: ['test/e2e/**', 'test/redis/**', 'node_modules/**'],
    testTimeout: 20_000,
  },
});
