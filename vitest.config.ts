import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests may import the library by its package name, as an app does ('tokenflight', 'tokenflight/testing', …).
const entries: Record<string, string> = {
  'tokenflight/fetch': 'src/fetch/index.ts',
  'tokenflight/axios': 'src/axios/index.ts',
  'tokenflight/ky': 'src/ky/index.ts',
  'tokenflight/testing': 'src/testing/index.ts',
  'tokenflight/sse': 'src/sse/index.ts',
  'tokenflight/graphql-ws': 'src/graphql-ws/index.ts',
  'tokenflight/oauth': 'src/oauth/index.ts',
  'tokenflight/cross-tab': 'src/crossTab/index.ts',
  'tokenflight/inspect': 'src/inspect/index.ts',
  tokenflight: 'src/index.ts',
};

export default defineConfig({
  resolve: {
    alias: Object.entries(entries).map(([name, path]) => ({
      find: new RegExp(`^${name}$`),
      replacement: fileURLToPath(new URL(path, import.meta.url)),
    })),
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 20_000,
  },
});
