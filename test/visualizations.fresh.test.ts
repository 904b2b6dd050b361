import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedFiles, VISUALIZATIONS_DIR } from '../scripts/visualize.js';

describe('visualizations/', () => {
  it('holds exactly what `npm run visualize` writes (run it after changing the machine)', async () => {
    const files = await expectedFiles();
    expect(Object.keys(files).sort()).toEqual(['authSession.json', 'authSession.mmd', 'authSession.svg']);
    for (const [name, expected] of Object.entries(files)) {
      // A checkout with autocrlf must not count as stale.
      const actual = (await readFile(join(VISUALIZATIONS_DIR, name), 'utf8').catch(() => '(missing)')).replace(/\r\n/g, '\n');
      expect(actual, `visualizations/${name} is stale: run \`npm run visualize\``).toBe(expected);
    }
  });

  it('is generated deterministically', async () => {
    expect(await expectedFiles()).toEqual(await expectedFiles());
  });
});
