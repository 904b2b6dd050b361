import { defineConfig } from 'vitest/config';
import { packageAliases, svelteInBrowser } from './vitest.shared.js';

export default defineConfig({
  resolve: { alias: [...packageAliases, ...svelteInBrowser] },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // test/redis needs redis-server: npm run test:redis (vitest.redis.config.ts).
    exclude: ['test/e2e/**', 'test/redis/**', 'node_modules/**'],
    testTimeout: 20_000,
    // Quiet on success. oidc-provider warns on every import under Node 20, where it works (see the
    // brief); tests send requests to unlisted origins on purpose, and the tests of that development
    // warning catch it with a console spy before it gets here.
    onConsoleLog: (log) =>
      !log.includes('oidc-provider WARNING: Unsupported runtime') && !log.startsWith('tokenflight: no token for '),
  },
});
