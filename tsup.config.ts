import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    fetch: 'src/fetch/index.ts',
    axios: 'src/axios/index.ts',
    ky: 'src/ky/index.ts',
    testing: 'src/testing/index.ts',
    sse: 'src/sse/index.ts',
    'graphql-ws': 'src/graphql-ws/index.ts',
    oauth: 'src/oauth/index.ts',
    'cross-tab': 'src/crossTab/index.ts',
    inspect: 'src/inspect/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // Also for CJS: one copy of each error class across entry points, so instanceof holds under require.
  splitting: true,
  target: 'es2022',
  external: ['xstate', 'axios', 'ky', 'msw', 'eventsource', 'graphql-ws', 'oauth4webapi'],
});
