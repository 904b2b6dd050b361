/**
 * Copies every marked test snippet into the Markdown blocks that show it (`<!-- snippet: name -->`
 * above a fenced block, or a whole test file under `<!-- snippet-file: path -->`), so docs are updated from tests, never by hand. test/docSnippets.test.ts
 * checks the result. Run: `npx tsx scripts/syncSnippets.ts`.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snippetsIn, testSources } from '../test/support/snippets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const snippets = snippetsIn(root, testSources(root));
const docs = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

for (const doc of docs) {
  const text = readFileSync(join(root, doc), 'utf8');
  const updated = text.replace(
    /(<!-- snippet: (.+?) -->\n(`{3,})(\w*)\n)([\s\S]*?)\n\3\n/g,
    (whole, head: string, name: string, fence: string) => {
      const snippet = snippets.get(name);
      if (!snippet) {
        console.warn(`${doc}: no test marks snippet "${name}"`);
        return whole;
      }
      return `${head}${snippet.code}\n${fence}\n`;
    },
  );
  const withFiles = updated.replace(
    /(<!-- snippet-file: (.+?) -->\n(`{3,})(\w*)\n)([\s\S]*?)\n\3\n/g,
    (_whole, head: string, file: string, fence: string) =>
      `${head}${readFileSync(join(root, file), 'utf8').trimEnd()}\n${fence}\n`,
  );
  if (withFiles !== text) {
    writeFileSync(join(root, doc), withFiles);
    console.log(`updated ${doc}`);
  }
}
