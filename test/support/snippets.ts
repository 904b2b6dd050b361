/**
 * Documentation snippets are copied from passing tests. A test marks one with
 *   // --- snippet: <name> ---
 *   ...code...
 *   // --- end of snippet ---
 * and a Markdown page shows it as a fenced block right after `<!-- snippet: <name> -->`
 * (or the whole test file: `<!-- snippet-file: test/x.test.ts -->`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const START = /^\s*\/\/ --- snippet: (.+?) ---\s*$/;
const END = /^\s*\/\/ --- end of snippet ---\s*$/;

/** Removes the indentation every non-empty line shares. */
export function dedent(lines: string[]): string {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines
    .map((line) => line.slice(cut))
    .join('\n')
    .trimEnd();
}

export interface Snippet {
  name: string;
  code: string;
  file: string;
}

/** Every snippet marked in `files` (paths relative to `root`). Throws on an unclosed or duplicate snippet. */
export function snippetsIn(root: string, files: string[]): Map<string, Snippet> {
  const found = new Map<string, Snippet>();
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    let open: { name: string; from: number } | null = null;
    for (const [index, line] of lines.entries()) {
      const start = START.exec(line);
      if (start) {
        if (open) throw new Error(`${file}:${index + 1}: snippet "${start[1]}" opens inside "${open.name}"`);
        open = { name: start[1]!, from: index + 1 };
      } else if (END.test(line)) {
        if (!open) throw new Error(`${file}:${index + 1}: end of a snippet that never opened`);
        const { name, from } = open;
        if (found.has(name)) throw new Error(`snippet "${name}" is marked twice: ${found.get(name)!.file} and ${file}`);
        found.set(name, { name, code: dedent(lines.slice(from, index)), file });
        open = null;
      }
    }
    if (open) throw new Error(`${file}: snippet "${open.name}" is never closed`);
  }
  return found;
}

export interface DocBlock {
  doc: string;
  line: number;
  lang: string;
  code: string;
  /** The snippet name or test file the block says it shows, if any. */
  source: { kind: 'snippet' | 'file'; name: string } | null;
}

const MARK = /^<!-- (snippet|snippet-file): (.+?) -->\s*$/;

/** The fenced code blocks of a Markdown page, each with the marker right above it. */
export function codeBlocks(root: string, doc: string): DocBlock[] {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const fence = /^(`{3,})(\w*)\s*$/.exec(lines[index]!);
    if (!fence) continue;
    const end = lines.findIndex((line, at) => at > index && line === fence[1]);
    if (end === -1) throw new Error(`${doc}:${index + 1}: unclosed code block`);
    const mark = index > 0 ? MARK.exec(lines[index - 1]!) : null;
    blocks.push({
      doc,
      line: index + 1,
      lang: fence[2] ?? '',
      code: lines
        .slice(index + 1, end)
        .join('\n')
        .trimEnd(),
      source: mark ? { kind: mark[1] === 'snippet' ? 'snippet' : 'file', name: mark[2]! } : null,
    });
    index = end;
  }
  return blocks;
}

/** Test sources under `dir` (relative to `root`), recursively. */
export function testSources(root: string, dir = 'test'): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}
