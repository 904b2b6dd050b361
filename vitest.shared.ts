import { fileURLToPath } from 'node:url';
import { entryPoints } from './entryPoints.js';

/** Tests may import the library by its package name, as an app does ('tokenflight', 'tokenflight/testing', …). */
export const packageAliases = Object.entries(entryPoints).map(([name, path]) => ({
  find: new RegExp(`^tokenflight${name === 'index' ? '' : `/${name}`}$`),
  replacement: fileURLToPath(new URL(path, import.meta.url)),
}));

/**
 * Svelte components are tested as a browser runs them: Svelte's `browser` builds (a bundler for
 * the browser picks them; Node would pick the server builds, which cannot mount).
 */
export const svelteInBrowser = ['', '/reactivity', '/store'].map((subpath) => ({
  find: new RegExp(`^svelte${subpath}$`),
  replacement: fileURLToPath(new URL(`./node_modules/svelte/src${subpath}/index-client.js`, import.meta.url)),
}));
