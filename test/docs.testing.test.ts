import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('docs/testing.md', () => {
  it('shows the example test exactly as it runs', () => {
    const doc = readFileSync(new URL('../docs/testing.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('./testingKit.example.test.ts', import.meta.url), 'utf8');
    expect(doc).toContain('## Testing your auth flows');
    expect(doc).toContain('```ts\n' + example + '```');
  });
});
