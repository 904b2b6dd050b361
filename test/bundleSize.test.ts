/**
 * What an app that uses only `createAuthSession` + `createAuthFetch` bundles of tokenflight:
 * no cross-tab (BroadcastChannel, Web Locks) and no inspector redaction, which are plugins of
 * their own. Bytes are deterministic for a given esbuild, so the size is asserted as bytes.
 */
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BINDINGS, bundle, CORE_BEHAVIOURS, CORE_CONSUMER, consumer } from '../bench/scenarios/size.js';

describe('the core bundle (createAuthSession + createAuthFetch, xstate external)', () => {
  it('holds neither cross-tab, inspector redaction nor OAuth', async () => {
    const { code } = await bundle(CORE_CONSUMER, ['xstate']);
    for (const forbidden of ['BroadcastChannel', '.locks', 'locks', '[redacted]', 'DPoP', 'oauth4webapi'])
      expect(code).not.toContain(forbidden);
  });

  it('gets them from the plugins it is given', async () => {
    const { code } = await bundle(
      consumer(
        `import { crossTab } from './src/cross-tab/index.ts'; import { inspect } from './src/inspect/index.ts';`,
        'crossTab(), inspect(() => {})',
      ),
      ['xstate'],
    );
    for (const feature of ['BroadcastChannel', '.locks', '[redacted]']) expect(code).toContain(feature);
    const withOAuth = await bundle(
      consumer(
        `import { oauth } from './src/oauth/index.ts';`,
        `oauth({ issuer: 'https://op.example', clientId: 'spa', dpop: true })`,
      ),
      ['xstate', 'oauth4webapi'],
    );
    for (const feature of ['DPoP', 'oauth4webapi']) expect(withOAuth.code).toContain(feature);
  });

  // The bench weighs each default behaviour by a stand-in for its module: one that no longer
  // matches the module's exports fails to build, one whose file moved would weigh nothing.
  it.each(CORE_BEHAVIOURS)(
    'weighs $subject with a stand-in that builds and replaces its module',
    async ({ without }) => {
      const whole = await bundle(CORE_CONSUMER, ['xstate']);
      const stubbed = await bundle(CORE_CONSUMER, ['xstate'], [without]);
      expect(stubbed.gzipBytes).toBeLessThan(whole.gzipBytes);
    },
  );

  /**
   * The 6.0 kB target is withdrawn (issue 21): bytes are not bought with clarity. The size is
   * guarded against growth (+2 %) from the last measurement; bench/analysis.md says where it goes.
   * 7568 B before this round; issue 21's typed machine events, parts objects, plain ifs and the
   * TokenflightError base: 7990 B; issue 22's option checks, refresh-answer errors and the
   * cooldown's probes: 8759 B.
   */
  const MEASURED = 8759;

  it(`stays within 2 % of the measured ${MEASURED} bytes min+gzip`, async () => {
    const { gzipBytes } = await bundle(CORE_CONSUMER, ['xstate']);
    expect(gzipBytes).toBeLessThanOrEqual(Math.round(MEASURED * 1.02));
  });
});

// The development warning for requests to origins outside `origins` (test/unlistedOrigin.test.ts).
describe('the production bundle, for the unlisted-origin warning', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const stubbed: Plugin = {
    name: 'no-warning',
    setup(bundler) {
      bundler.onLoad({ filter: /unlistedOrigin\.ts$/ }, () => ({
        contents: 'export const warnUnlistedOrigin = () => {};',
        loader: 'ts',
      }));
    },
  };
  const bundle = async (nodeEnv: string, plugins: Plugin[] = []) => {
    const result = await build({
      stdin: { contents: CORE_CONSUMER, resolveDir: root, loader: 'ts' },
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      external: ['xstate'],
      define: { 'process.env.NODE_ENV': JSON.stringify(nodeEnv) },
      plugins,
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0]!.text;
  };

  it('holds none of the warning: the same bytes as without it', async () => {
    const production = await bundle('production');
    expect(production).not.toContain('not in origins');
    expect(production).toBe(await bundle('production', [stubbed]));
    expect(await bundle('development')).toContain('not in origins');
  });
});

describe('the framework bindings in the size table', () => {
  // Built as the bench builds them: an import that no longer matches the entry's exports, or a
  // framework that is not kept external, fails here instead of skewing the table.
  it.each(BINDINGS)('weigh $subject: it builds, leaves its framework out and adds bytes', async (binding) => {
    const core = await bundle(CORE_CONSUMER, ['xstate']);
    const { code, gzipBytes } = await bundle(consumer(binding.imports, '', binding.uses), [
      'xstate',
      ...binding.external,
    ]);
    const framework = binding.external[0]!.replace('/*', '/');
    expect(code).toMatch(new RegExp(`from\\s*"${framework.replace(/[/*]/g, '\\$&')}`));
    expect(gzipBytes).toBeGreaterThan(core.gzipBytes);
  });
});
