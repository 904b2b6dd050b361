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
  // Class names survive the CommonJS build (its class-field transform renames classes), so errors
  // from the ESM and CJS copies recognise each other (TokenflightError's instanceof). The ESM
  // build, which bundlers read, keeps its names without the extra helper calls.
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.keepNames = true;
  },
  external: [
    'xstate',
    'axios',
    'ky',
    'msw',
    'eventsource',
    'graphql-ws',
    'oauth4webapi',
    'redis',
    // The framework bindings' peers, each with its subpaths (@angular/common/http, react/jsx-runtime, svelte/store).
    /^@angular\//,
    'rxjs',
    /^react($|\/)/,
    /^vue($|\/)/,
    /^svelte($|\/)/,
  ],
});
