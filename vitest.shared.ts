import { fileURLToPath } from 'node:url';
import { entryPoints } from './entryPoints.js';

/** Tests may import the library by its package name, as an app does ('tokenflight', 'tokenflight/testing', …). */
export const packageAliases = Object.entries(entryPoints).map(([name, path]) => ({
  find: new RegExp(`^tokenflight${name === 'index' ? '' : `/${name}`}$`),
  replacement: fileURLToPath(new URL(path, import.meta.url)),
}));
