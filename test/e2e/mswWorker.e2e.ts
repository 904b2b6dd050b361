/**
 * tokenflight/testing in a real browser: the kit's auth server runs in msw's service worker
 * (`setupWorker`), and a session with the fetch adapter talks to it from a page in each browser engine.
 * The page's own HTTP server serves three files only and counts any /api request that slips
 * past the worker, so a pass means the worker answered.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from './harness.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage } from '../../demo/bundle.js';
import { ENGINE_TITLE, launchBrowser } from './harness.js';

const require = createRequire(import.meta.url);
const entry = fileURLToPath(new URL('./worker/page.ts', import.meta.url));

let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
let apiRequestsPastTheWorker = 0;
const pageErrors: string[] = [];

beforeAll(async () => {
  const [script, workerScript] = await Promise.all([
    bundlePage(entry),
    readFile(require.resolve('msw/mockServiceWorker.js'), 'utf8'),
  ]);
  const files: Record<string, [type: string, body: string]> = {
    '/': [
      'text/html',
      '<!doctype html><title>tokenflight/testing in a worker</title><script type="module" src="/main.js"></script>',
    ],
    '/main.js': ['text/javascript', script],
    '/mockServiceWorker.js': ['text/javascript', workerScript],
  };
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path.startsWith('/api/')) apiRequestsPastTheWorker += 1;
    const file = files[path];
    response.writeHead(file ? 200 : 404, { 'Content-Type': file?.[0] ?? 'text/plain' }).end(file?.[1] ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  page = await browser.newPage();
  page.onPageError((message) => pageErrors.push(message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'kitPage' in window);
  await page.evaluate(() => window.kitPage.ready);
});

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before assigning these */
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

describe(`createAuthServer with setupWorker in ${ENGINE_TITLE}`, () => {
  it('the worker controls the page', async () => {
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(
      `${origin}/mockServiceWorker.js`,
    );
  });

  it('20 concurrent 401s make one refresh with rotation and no reuse, and every request is replayed with 200', async () => {
    const result = await page.evaluate(() => window.kitPage.burst(20, null));
    expect(result.statuses).toEqual(Array.from({ length: 20 }, () => 200));
    expect(result.counters).toMatchObject({
      refreshCalls: 1,
      refreshOk: 1,
      reuseDetected: 0,
      refreshRejected: 0,
      faults: 0,
    });
    // 20 first tries answered 401, then 20 replays.
    expect(result.counters.requests.protected).toBe(40);
  });

  it('an injected network error on the refresh is retried once, and the burst still succeeds', async () => {
    const result = await page.evaluate(() => window.kitPage.burst(5, 'networkError'));
    expect(result.statuses).toEqual([200, 200, 200, 200, 200]);
    expect(result.counters).toMatchObject({ faults: 1, refreshOk: 1, reuseDetected: 0 });
    expect(result.counters.requests.refresh).toBe(2);
  });

  it('revoked refresh tokens: every waiting request fails with SessionExpiredError and the session holds nothing', async () => {
    const result = await page.evaluate(() => window.kitPage.revoked());
    expect(result).toEqual({
      errors: ['SessionExpiredError', 'SessionExpiredError', 'SessionExpiredError'],
      status: 'expired',
      tokens: null,
    });
  });

  it('the flow model walks every transition in the page, against the worker', async () => {
    const result = await page.evaluate(() => window.kitPage.flow());
    expect(result.failures).toEqual([]);
    expect(result.paths).toBeGreaterThan(0);
    expect(result.coverage.states[0]).toBe(result.coverage.states[1]);
    expect(result.coverage.transitions[0]).toBe(result.coverage.transitions[1]);
  });

  it('no /api request reached the network and the page threw nothing', () => {
    expect(apiRequestsPastTheWorker).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
