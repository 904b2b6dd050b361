import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { packageAliases } from '../../vitest.shared.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // In this repository the app builds against tokenflight's source; in your app, delete this
  // alias: `tokenflight/…` is the installed package.
  resolve: { alias: packageAliases },
  // The session module awaits its provider configuration at the top level.
  build: { target: 'es2022' },
});
