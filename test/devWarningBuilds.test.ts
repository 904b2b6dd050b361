/**
 * The unlisted-origin warning where developers work: a browser bundle has no `process`, so the
 * warning must not depend on one. Bundled for the browser by esbuild as an app would be (the
 * mode from `minify`, as esbuild and Vite's dependency optimizer set `process.env.NODE_ENV`), then
 * run in a context without `process`: the development build warns, the production build holds
 * none of the warning's text.
 */
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const APP = `
import { createAuthSession } from './src/index.ts';
import { createAuthFetch } from './src/fetch/index.ts';

const session = createAuthSession({ refresh: async () => ({ accessToken: 'a1' }), tokens: { accessToken: 'a0' } });
const authFetch = createAuthFetch(session, {
  origins: ['https://api.example.com'],
  fetch: async () => new Response('ok'),
});
globalThis.done = authFetch('https://elsewhere.example.com/data');
`;
const WARNING = 'not in origins';

async function bundleApp(mode: 'development' | 'production'): Promise<string> {
  const result = await build({
    stdin: { contents: APP, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // esbuild defines process.env.NODE_ENV from this for the browser: "production" when minifying.
    minify: mode === 'production',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Runs a bundle in a page-like context: no `process`, the web APIs it needs, a console that records. */
async function runInPage(code: string): Promise<unknown[][]> {
  const warnings: unknown[][] = [];
  const page: Record<string, unknown> = {
    console: { ...console, warn: (...args: unknown[]) => warnings.push(args) },
    URL,
    Request,
    Response,
    Headers,
    AbortController,
    AbortSignal,
    setTimeout,
    clearTimeout,
    queueMicrotask,
  };
  page.globalThis = page;
  runInNewContext(code, page);
  await page.done;
  return warnings;
}

describe('the unlisted-origin warning in browser builds', () => {
  it('shows in a development build run without `process`', async () => {
    const code = await bundleApp('development');
    expect(code).toContain(WARNING);
    expect(await runInPage(code)).toEqual([
      ['tokenflight: no token for https://elsewhere.example.com (not in origins); pass origins: [...] to send one'],
    ]);
  });

  it('is absent from a production build, which runs without it', async () => {
    const code = await bundleApp('production');
    expect(code).not.toContain(WARNING);
    expect(await runInPage(code)).toEqual([]);
  });
});
