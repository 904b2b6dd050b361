import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Compared line by line without indentation, so a snippet may be dedented in the doc.
const normalize = (code: string) =>
  code
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('docs/streams.md', () => {
  const doc = read('../docs/streams.md');
  const tests = ['./sse.test.ts', './graphqlWs.test.ts', './dataLayers.test.ts', './e2e/streams/page.ts'].map((path) => normalize(read(path)));
  const snippets = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => normalize(match[1]!));

  it('has a snippet for each recipe', () => {
    expect(snippets).toHaveLength(5);
  });

  it.each(snippets.map((snippet, index) => [index, snippet]))('snippet %i is copied from a passing test', (_, snippet) => {
    expect(tests.some((source) => source.includes(snippet))).toBe(true);
  });

  it('is linked from the README', () => {
    expect(read('../README.md')).toContain('(docs/streams.md)');
  });
});
