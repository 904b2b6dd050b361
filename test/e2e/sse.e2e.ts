/**
 * tokenflight/sse in each real browser engine: the engine's own fetch and streams under the `eventsource`
 * client, the real auth API (serving the page) and an event stream that wants a valid token and ends every
 * open stream when the tokens expire, as a server that checks tokens during a stream does.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from './harness.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundlePage } from '../../demo/bundle.js';
import { startSseServer, type SseServer } from '../support/sseServer.js';
import { ENGINE_TITLE, launchBrowser } from './harness.js';

const entry = fileURLToPath(new URL('./streams/ssePage.ts', import.meta.url));

let sse: SseServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  const script = await bundlePage(entry);
  sse = await startSseServer({
    handler(req, res) {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/')
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>sse</title><script type="module" src="/main.js"></script>');
      else if (path === '/main.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else return false;
      return true;
    },
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.onPageError((message) => pageErrors.push(message));
  await page.goto(`${sse.api.url}/`);
  await page.waitForFunction(() => 'ssePage' in window);
});

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before assigning these */
  await page?.evaluate(() => window.ssePage.stop()).catch(() => undefined);
  await browser?.close();
  await sse?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

const received = () => page.evaluate(() => [...window.ssePage.received]);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe(`tokenflight/sse in ${ENGINE_TITLE}`, () => {
  it('across three expiries: one refresh each, Last-Event-ID resumes the stream, no event lost or repeated', async () => {
    await page.evaluate((url) => window.ssePage.start(url), sse.url);
    await vi.waitFor(() => expect(sse.openStreams()).toBe(1), { timeout: 5000 });
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 4; i++) sse.publish();
      await sse.expire();
      // Published while the stream is down: delivered after the reconnect, from Last-Event-ID.
      for (let i = 0; i < 2; i++) sse.publish();
      await vi.waitFor(async () => expect(await received()).toHaveLength(round * 6), { timeout: 5000 });
    }
    expect(await received()).toEqual(range(1, 18));
    expect(await sse.api.refreshCalls()).toBe(3);
    // Each round: the reconnect with the expired token (401), then its replay with the new one.
    expect(sse.connects.slice(1).map((connect) => [connect.status, connect.lastEventId])).toEqual([
      [401, '4'],
      [200, '4'],
      [401, '10'],
      [200, '10'],
      [401, '16'],
      [200, '16'],
    ]);
    expect(await page.evaluate(() => window.ssePage.outcome.error)).toBeNull();
  });

  it('logout closes the stream at once and the app hears LoggedOutError', async () => {
    await page.evaluate(() => window.ssePage.logout());
    await vi.waitFor(
      async () => expect(await page.evaluate(() => window.ssePage.outcome.error)).toBe('LoggedOutError'),
      { timeout: 5000 },
    );
    await vi.waitFor(() => expect(sse.openStreams()).toBe(0), { timeout: 5000 });
    expect(pageErrors).toEqual([]);
  });
});
