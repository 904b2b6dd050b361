/**
 * tokenflight/react in each real browser engine, under StrictMode in development, with React 19 (the root's)
 * and React 18 (test/e2e/react18, its own install): the page renders the session's status
 * through login, a burst of 401s after expiry (one refresh), expiry and logout.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from './harness.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundlePage } from '../../demo/bundle.js';
import { createAuthHttpServer, type AuthHttpServer } from '../../server/createAuthHttpServer.js';
import { ENGINE_TITLE, launchBrowser } from './harness.js';

const entry = fileURLToPath(new URL('./react/page.tsx', import.meta.url));
const react18 = fileURLToPath(new URL('./react18/node_modules/', import.meta.url));
const VERSIONS = ['19', '18'] as const;

/** The page bundled in development mode (StrictMode double-runs only there), with React 18 or 19. */
const bundle = (version: (typeof VERSIONS)[number]) =>
  bundlePage(entry, {
    define: { 'process.env.NODE_ENV': '"development"' },
    alias: version === '18' ? { react: `${react18}react`, 'react-dom': `${react18}react-dom` } : {},
  });

let server: AuthHttpServer;
let browser: Browser;
const scripts = new Map<string, string>();

beforeAll(async () => {
  if (!existsSync(`${react18}react`)) throw new Error('React 18 is missing: npm ci --prefix test/e2e/react18');
  for (const version of VERSIONS) scripts.set(version, await bundle(version));
  server = await createAuthHttpServer({
    host: '127.0.0.1',
    port: 0,
    accessTtl: 300,
    handler(req, res) {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const page = /^\/react(\d+)$/.exec(path)?.[1];
      const script = /^\/react(\d+)\.js$/.exec(path)?.[1];
      if (page)
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            `<!doctype html><title>react</title><div id="root"></div><script type="module" src="/react${page}.js"></script>`,
          );
      else if (script && scripts.has(script))
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(scripts.get(script));
      else return false;
      return true;
    },
  });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before assigning these */
  await browser?.close();
  await server?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

const api = async (path: string) => {
  const response = await fetch(`${server.url}${path}`, { method: path.includes('stats') ? 'GET' : 'POST' });
  return response.headers.get('content-type')?.includes('json')
    ? ((await response.json()) as Record<string, number>)
    : {};
};

async function shows(page: Page, status: string) {
  await vi.waitFor(async () => expect(await page.textContent('#status')).toBe(status), { timeout: 5000 });
}

describe.each(VERSIONS)(`tokenflight/react in ${ENGINE_TITLE} with React %s under StrictMode`, (version) => {
  it('renders login, a burst after expiry with one refresh, expiry and logout; double effects change nothing', async () => {
    await api('/api/debug/reset');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.onPageError((message) => errors.push(message));
    await page.goto(`${server.url}/react${version}`);
    await page.waitForFunction(() => 'reactPage' in window);
    expect(await page.evaluate(() => window.reactPage.version)).toMatch(new RegExp(`^${version}\\.`));
    await shows(page, 'loggedOut');

    // A token-only change does not re-render the component that shows the status.
    await page.evaluate(() => window.reactPage.replaceTokens());
    await shows(page, 'idle');
    const rendersBefore = await page.evaluate(() => window.reactPage.renders.status);
    await page.evaluate(() => window.reactPage.replaceTokens());
    await vi.waitFor(async () => expect(await page.textContent('#token')).toBe('some'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await page.evaluate(() => window.reactPage.renders.status)).toBe(rendersBefore);
    await page.evaluate(() => window.reactPage.logout());
    await shows(page, 'loggedOut');

    await page.evaluate(() => window.reactPage.login());
    await shows(page, 'idle');
    await api('/api/debug/expire');
    await api('/api/debug/reset-stats');
    const statuses = await page.evaluate(() => window.reactPage.burst(10));
    expect(statuses).toEqual(Array(10).fill(200));
    const stats = await api('/api/stats');
    expect(stats.refreshCalls).toBe(1);
    expect(stats.reuseDetected).toBe(0);
    await shows(page, 'idle');

    await api('/api/debug/revoke');
    expect(await page.evaluate(() => window.reactPage.refresh())).toBe('SessionExpiredError');
    await shows(page, 'expired');
    await page.evaluate(() => window.reactPage.logout());
    await shows(page, 'loggedOut');

    const committed = await page.evaluate(() => [...window.reactPage.committed]);
    expect(committed.filter((status, index) => status !== committed[index - 1])).toEqual([
      'loggedOut',
      'idle',
      'loggedOut',
      'idle',
      'refreshing',
      'idle',
      'refreshing',
      'expired',
      'loggedOut',
    ]);
    // StrictMode ran the effect twice (development), and one listener heard the one expiry.
    expect(await page.evaluate(() => window.reactPage.counts())).toEqual({
      refreshes: 2,
      effectRuns: 2,
      expiredNotices: 1,
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});
