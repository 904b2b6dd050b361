import { defineConfig } from 'tsup';
import { entryPoints } from './entryPoints.js';

export default defineConfig({
  entry: entryPoints,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // Also for CJS: one copy of each error class across entry points, so instanceof holds under require.
  splitting: true,
  target: 'es2022',
  external: ['xstate', 'axios', 'ky', 'msw', 'eventsource', 'graphql-ws', 'oauth4webapi', 'redis'],
});
