/**
 * GraphQL over WebSocket in each real browser engine: the browser's own WebSocket, graphql-ws's client with
 * withSessionAuth, the real auth API (serving the page) and a graphql-ws server that checks
 * tokens only at connect and closes with 4403 for an expired one.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from './harness.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundlePage } from '../../demo/bundle.js';
import { startGraphqlWsServer, type GraphqlWsServer } from '../support/graphqlWsServer.js';
import { ENGINE, ENGINE_TITLE, launchBrowser } from './harness.js';

const entry = fileURLToPath(new URL('./streams/page.ts', import.meta.url));

let gql: GraphqlWsServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  const script = await bundlePage(entry);
  gql = await startGraphqlWsServer({
    handler(req, res) {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/')
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>streams</title><script type="module" src="/main.js"></script>');
      else if (path === '/main.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else return false;
      return true;
    },
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.onPageError((message) => pageErrors.push(message));
  await page.goto(`${gql.api.url}/`);
  await page.waitForFunction(() => 'streamPage' in window);
});

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before assigning these */
  await page?.evaluate(() => window.streamPage.stop()).catch(() => undefined);
  await browser?.close();
  await gql?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

/**
 * How the server drops the sockets: 1012 (Service Restart), as a deploy does. WebKitGTK fails such a connection
 * (an `error` event, then close 1006: the last test pins it), which graphql-ws alone takes as fatal;
 * withSessionAuth retries it like a close (docs/browsers.md), so the subscription resumes in every engine.
 */
const DROP_CODE = 1012;

const received = () => page.evaluate(() => [...window.streamPage.received]);

async function deliver(count: number, total: number) {
  await vi.waitFor(() => expect(gql.subscribers()).toBe(1), { timeout: 5000 });
  for (let value = total - count + 1; value <= total; value++) gql.publish(value);
  await vi.waitFor(async () => expect(await received()).toHaveLength(total), { timeout: 5000 });
}

describe(`graphql-ws with withSessionAuth in ${ENGINE_TITLE}`, () => {
  it('a subscription on the browser WebSocket gets every event across three expiries, one refresh each', async () => {
    expect(await page.evaluate(() => window.streamPage.webSocketIsNative)).toBe(true);
    await page.evaluate((url) => window.streamPage.start(url), gql.url);
    await deliver(3, 3);
    for (let round = 1; round <= 3; round++) {
      await gql.api.debug('expire');
      gql.dropSockets(DROP_CODE);
      await vi.waitFor(() => expect(gql.connects.filter((c) => c.accepted)).toHaveLength(round + 1), { timeout: 5000 });
      await deliver(3, 3 + round * 3);
    }
    expect(await received()).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await gql.api.refreshCalls()).toBe(3);
    expect(gql.connects.map((c) => c.accepted)).toEqual([true, false, true, false, true, false, true]);
  });

  it('logout closes the socket and the subscription errors with LoggedOutError', async () => {
    await page.evaluate(() => window.streamPage.logout());
    await vi.waitFor(
      async () => expect(await page.evaluate(() => window.streamPage.outcome.error)).toBe('LoggedOutError'),
      { timeout: 5000 },
    );
    await vi.waitFor(() => expect(gql.subscribers()).toBe(0), { timeout: 5000 });
    expect(pageErrors).toEqual([]);
  });

  it(`the browser's WebSocket, closed by the server with 1012 (Service Restart): ${
    ENGINE === 'webkit' ? 'an error, then an unclean 1006' : 'a clean 1012'
  }`, async () => {
    await page.evaluate((url) => {
      // What the socket saw, in the page's body so the test can read it as text.
      const seen = (what: string) =>
        (document.body.dataset.dropSeen = [document.body.dataset.dropSeen, what].filter(Boolean).join(', '));
      const socket = new WebSocket(url, 'graphql-transport-ws');
      socket.onopen = () => seen('open');
      socket.onerror = () => seen('error');
      socket.onclose = (event) => seen(`close ${event.code} clean=${event.wasClean}`);
    }, gql.url);
    const seen = () => page.getAttribute('body', 'data-drop-seen');
    await vi.waitFor(async () => expect(await seen()).toBe('open'), { timeout: 5000 });
    gql.dropSockets(1012);
    const expected = ENGINE === 'webkit' ? 'open, error, close 1006 clean=false' : 'open, close 1012 clean=true';
    await vi.waitFor(async () => expect(await seen()).toBe(expected), { timeout: 5000 });
  });
});
