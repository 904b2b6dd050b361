import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { compile } from 'svelte/compiler';

/**
 * Compiles a `.svelte` file for the browser, as a Svelte app's build does, next to its source
 * (in `.compiled/`, so its imports resolve as the test's do); returns the path to import.
 */
export function compileSvelte(path: string): string {
  const { js } = compile(readFileSync(path, 'utf8'), { filename: basename(path), generate: 'client' });
  const out = join(dirname(path), '.compiled', `${basename(path, '.svelte')}.js`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, js.code);
  return out;
}
