import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authSessionMachine } from '../machines/authSession.js';
import { embedMermaid } from './visualize/embed.js';
import { generateVisualizations } from './visualize/generate.js';

/** Where the checked-in pictures live, and which files `npm run visualize` writes there. */
export const VISUALIZATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'visualizations');
export const MACHINE_SOURCE = 'machines/authSession.ts';
const ROOT = join(VISUALIZATIONS_DIR, '..');
/** Markdown files whose Mermaid block (between the markers in ./visualize/embed.ts) is kept fresh. */
export const MARKDOWN_WITH_MERMAID = ['README.md'];

/** Each markdown file that has the markers, with what it should hold: [path, current, expected]. */
export async function markdownEmbeds(mermaid: string): Promise<Array<[string, string, string]>> {
  const found: Array<[string, string, string]> = [];
  for (const path of MARKDOWN_WITH_MERMAID) {
    const current = await readFile(join(ROOT, path), 'utf8').catch(() => null);
    const expected = current === null ? null : embedMermaid(current, mermaid);
    if (current !== null && expected !== null) found.push([path, current, expected]);
  }
  return found;
}

/** The files of visualizations/. */
export type VisualizationFile =
  'authSession.json' | 'authSession.config.json' | 'authSession.mmd' | 'authSession.svg' | 'authSession.overview.svg';

export async function expectedFiles(): Promise<Record<VisualizationFile, string>> {
  const files = await generateVisualizations(authSessionMachine, MACHINE_SOURCE);
  return {
    'authSession.json': files.json,
    'authSession.config.json': files.config,
    'authSession.mmd': files.mmd,
    'authSession.svg': files.svg,
    'authSession.overview.svg': files.overviewSvg,
  };
}

async function main() {
  await mkdir(VISUALIZATIONS_DIR, { recursive: true });
  const files = await expectedFiles();
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(VISUALIZATIONS_DIR, name), content);
    console.log(`wrote visualizations/${name}`);
  }
  for (const [path, current, expected] of await markdownEmbeds(files['authSession.mmd'])) {
    if (current === expected) continue;
    await writeFile(join(ROOT, path), expected);
    console.log(`updated the Mermaid block in ${path}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
