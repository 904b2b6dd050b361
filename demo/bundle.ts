/**
 * Bundles the demo page from `demo/page/main.ts` (or another page entry, as the browser tests
 * do) with esbuild at server start, so the browser runs the library's real source; nothing
 * comes from a CDN.
 */
import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { entryPoints } from '../entryPoints.js';

const demoEntry = fileURLToPath(new URL('./page/main.ts', import.meta.url));

/** A page imports the library by its package name, as an app does: 'tokenflight', 'tokenflight/graphql-ws', … */
const packageNames = Object.fromEntries(
  Object.entries(entryPoints).map(([name, path]) => [
    name === 'index' ? 'tokenflight' : `tokenflight/${name}`,
    fileURLToPath(new URL(`../${path}`, import.meta.url)),
  ]),
);

/** `options`: what a page test changes (another React through `alias`, development mode through `define`). */
export async function bundlePage(
  entry: string = demoEntry,
  options: Pick<BuildOptions, 'alias' | 'define'> = {},
): Promise<string> {
  const result = await build({
    ...options,
    alias: { ...packageNames, ...options.alias },
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}
