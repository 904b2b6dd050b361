/**
 * The README and docs/ show only code that runs: every TypeScript/JavaScript block is a snippet
 * copied from a passing test (or a whole test file), character for character after dedent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeBlocks, dedent, snippetsIn, testSources } from './support/snippets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pages = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const docs = ['README.md', 'CONTRIBUTING.md', ...pages];
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

  // Pages whose snippets are whole modules of user code (test/userCode/): pasteable as they stand.
  const USER_CODE_PAGES = docs.filter((doc) => codeBlocks(root, doc).some((block) => block.source?.kind === 'snippet'));
  const importsOf = (code: string) => code.split('\n').filter((line) => /^import /.test(line));

  it('the pages with snippets are the ones expected (the check below is not vacuous)', () => {
    expect(USER_CODE_PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/frameworks.md', 'docs/server.md']));
  });

  it.each(USER_CODE_PAGES)('%s: its snippets are user code, imports included', (doc) => {
    const blocks = codeBlocks(root, doc).filter((b) => CODE.has(b.lang) && b.source?.kind === 'snippet');
    const files = new Set<string>();
    for (const block of blocks) {
      const where = `${doc}:${block.line}`;
      const { file } = snippets.get(block.source!.name)!;
      expect(file, `${where}: not written as user code`).toMatch(/^test\/userCode\//);
      // The app's own modules only (./settings), never the library's source or the test harness.
      expect(block.code, `${where}: imports from outside the app`).not.toMatch(/from '\.\.\//);
      files.add(file);
    }
    for (const file of files) {
      const shown = blocks
        .filter((block) => snippets.get(block.source!.name)!.file === file)
        .map((b) => b.code)
        .join('\n');
      const source = readFileSync(join(root, file), 'utf8');
      // Every import the module makes is on the page: pasted, the code finds what it uses.
      for (const line of importsOf(source)) expect(shown, `${doc}: ${file} hides "${line}"`).toContain(line);
      expect(shown, `${doc}: ${file} shows no import from 'tokenflight' nor from the app's modules`).toMatch(
        /^import .+ from '(tokenflight(\/[a-z-]+)?|\.\/[\w.]+)';$/m,
      );
    }
  });

  it('user code holds nothing outside its snippets but comments (nothing the docs do not show)', () => {
    const userCode = testSources(root).filter((file) => file.startsWith('test/userCode/'));
    for (const file of userCode) {
      const inSnippets = new Set([...snippets.values()].filter((s) => s.file === file).map((s) => s.name));
      if (inSnippets.size === 0) continue; // an app's settings module, shown by the page in prose
      let open = false;
      for (const [index, line] of readFileSync(join(root, file), 'utf8').split('\n').entries()) {
        if (/\/\/ --- snippet: /.test(line)) open = true;
        else if (/\/\/ --- end of snippet ---/.test(line)) open = false;
        else if (!open && line.trim() !== '')
          expect(line, `${file}:${index + 1}: code the docs do not show`).toMatch(/^\s*\/\//);
      }
    }
  });
});

describe('documentation links', () => {
  /** Relative link targets of a page: Markdown links and images, and HTML src/href, outside code blocks. */
  function relativeLinks(doc: string): string[] {
    const text = readFileSync(join(root, doc), 'utf8')
      .replace(/^(`{3,})[\s\S]*?^\1$/gm, '')
      .replace(/`[^`\n]*`/g, '');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g), ...text.matchAll(/(?:src|href)="([^"]+)"/g)].map(
      (match) => match[1]!,
    );
    return targets.filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
  }

  it.each(docs)('%s: every relative link points to a file that exists', (doc) => {
    for (const target of relativeLinks(doc)) {
      const path = join(root, dirname(doc), decodeURIComponent(target.split('#')[0]!));
      expect(existsSync(path), `${doc}: ${target} does not exist`).toBe(true);
    }
  });

  /** GitHub's anchors for a page's headings (lowercased, punctuation dropped, spaces as hyphens). */
  function anchorsOf(doc: string): Set<string> {
    const text = readFileSync(join(root, doc), 'utf8').replace(/^(`{3,})[\s\S]*?^\1$/gm, '');
    return new Set(
      [...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
        match[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      ),
    );
  }

  it.each(docs)('%s: every #anchor names a heading of its page', (doc) => {
    const text = readFileSync(join(root, doc), 'utf8').replace(/^(`{3,})[\s\S]*?^\1$/gm, '');
    const sameDoc = [...text.matchAll(/\]\((#[^)\s]+)\)/g)].map((match) => match[1]!);
    for (const target of [...relativeLinks(doc), ...sameDoc].filter((link) => link.includes('#'))) {
      const [file, anchor] = target.split('#') as [string, string];
      const page = file === '' ? doc : join(dirname(doc), decodeURIComponent(file));
      if (!page.endsWith('.md')) continue;
      expect(anchorsOf(page).has(anchor), `${doc}: ${target} names no heading`).toBe(true);
    }
  });

  it.each(pages)('%s is linked from the README', (page) => {
    expect(relativeLinks('README.md').map((target) => target.split('#')[0])).toContain(page);
  });
});

describe('the snippet reader', () => {
  it('dedents by the smallest shared indentation, ignoring blank lines', () => {
    expect(dedent(['    a', '', '      b', '    c'])).toBe('a\n\n  b\nc');
  });
});
