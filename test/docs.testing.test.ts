import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README: Testing your auth flows', () => {
  it('shows the example test exactly as it runs', () => {
    const doc = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('./testingKit.example.test.ts', import.meta.url), 'utf8');
    expect(doc).toContain('## Testing your auth flows');
    expect(doc).toContain('```ts\n' + example + '```');
  });
});
