/**
 * The README and docs/ show only code that runs: every TypeScript/JavaScript block is a snippet
 * copied from a passing test (or a whole test file), character for character after dedent.
 */
import { readdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeBlocks, dedent, snippetsIn, testSources } from './support/snippets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const CODE = new Set(['ts', 'tsx', 'js', 'jsx', 'typescript', 'javascript', 'vue', 'svelte']);

describe('documentation snippets', () => {
  const snippets = snippetsIn(root, testSources(root));

  it.each(docs)('%s: every code block is copied from a test', (doc) => {
    for (const block of codeBlocks(root, doc).filter((b) => CODE.has(b.lang))) {
      const where = `${doc}:${block.line}`;
      expect(block.source, `${where}: a ${block.lang} block without <!-- snippet: name --> above it`).not.toBeNull();
      if (block.source!.kind === 'snippet') {
        const snippet = snippets.get(block.source!.name);
        expect(snippet, `${where}: no test marks snippet "${block.source!.name}"`).toBeDefined();
        expect(block.code, `${where}: differs from ${snippet!.file}`).toBe(snippet!.code);
      } else {
        const file = readFileSync(join(root, block.source!.name), 'utf8');
        expect(block.code, `${where}: differs from ${block.source!.name}`).toBe(file.trimEnd());
      }
    }
  });
});

describe('the snippet reader', () => {
  it('dedents by the smallest shared indentation, ignoring blank lines', () => {
    expect(dedent(['    a', '', '      b', '    c'])).toBe('a\n\n  b\nc');
  });
});
