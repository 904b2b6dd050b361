import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authSessionMachine } from '../machines/authSession.js';
import { generateVisualizations } from './visualize/generate.js';

/** Where the checked-in pictures live, and which files `npm run visualize` writes there. */
export const VISUALIZATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'visualizations');
export const MACHINE_SOURCE = 'machines/authSession.ts';

export async function expectedFiles(): Promise<Record<string, string>> {
  const files = await generateVisualizations(authSessionMachine, MACHINE_SOURCE);
  return {
    'authSession.json': files.json,
    'authSession.mmd': files.mmd,
    'authSession.svg': files.svg,
  };
}

async function main() {
  await mkdir(VISUALIZATIONS_DIR, { recursive: true });
  for (const [name, content] of Object.entries(await expectedFiles())) {
    await writeFile(join(VISUALIZATIONS_DIR, name), content);
    console.log(`wrote visualizations/${name}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
