import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { authSessionMachine } from 'tokenflight/machine';
import { describeMachine } from '../scripts/visualize/machineGraph.js';
import { expectedFiles, markdownEmbeds, VISUALIZATIONS_DIR } from '../scripts/visualize.js';

describe('visualizations/', () => {
  it('holds exactly what `npm run visualize` writes (run it after changing the machine)', async () => {
    const files = await expectedFiles();
    expect(Object.keys(files).sort()).toEqual([
      'authSession.config.json',
      'authSession.json',
      'authSession.mmd',
      'authSession.overview.svg',
      'authSession.svg',
    ]);
    for (const [name, expected] of Object.entries(files)) {
      // A checkout with autocrlf must not count as stale.
      const actual = (await readFile(join(VISUALIZATIONS_DIR, name), 'utf8').catch(() => '(missing)')).replace(
        /\r\n/g,
        '\n',
      );
      expect(actual, `visualizations/${name} is stale: run \`npm run visualize\``).toBe(expected);
    }
  });

  it('matches the Mermaid block of every markdown file that embeds it (README.md)', async () => {
    const files = await expectedFiles();
    for (const [path, current, expected] of await markdownEmbeds(files['authSession.mmd'])) {
      expect(current.replace(/\r\n/g, '\n'), `the Mermaid block in ${path} is stale: run \`npm run visualize\``).toBe(
        expected,
      );
    }
  });

  it('is generated deterministically', async () => {
    expect(await expectedFiles()).toEqual(await expectedFiles());
  });
});

describe('authSession.config.json', () => {
  it('rebuilds, through createMachine, a machine with the same states and transitions (so Stately can import it)', async () => {
    const config: unknown = JSON.parse(await readFile(join(VISUALIZATIONS_DIR, 'authSession.config.json'), 'utf8'));
    const rebuilt = createMachine(config as Parameters<typeof createMachine>[0]);
    expect(describeMachine(rebuilt)).toEqual(describeMachine(authSessionMachine));
  });
});
