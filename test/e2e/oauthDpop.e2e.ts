/**
 * tokenflight/oauth with DPoP in each browser engine, against the real oidc-provider: two tabs of one
 * origin share one session (crossTab) and one non-extractable key pair in IndexedDB. The user
 * logs in once through the provider's own login and consent pages (code flow with PKCE); the
 * code exchange, every refresh and every API request are signed with that key.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Context, Page } from './harness.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage } from '../../demo/bundle.js';
import {
  API_RESOURCE,
  API_SCOPE,
  startAuthorizationServer,
  type AuthorizationServer,
} from '../oauth/authorizationServer.js';
import { startResourceServer, type ResourceServer } from '../oauth/resourceServer.js';
import { ENGINE_TITLE, launchBrowser } from './harness.js';
import { logInAtProvider } from './providerPages.js';

// Short enough to wait for twice; the burst and its refresh fit well inside one lifetime.
const ACCESS_TOKEN_TTL = 4;
const entry = fileURLToPath(new URL('./oauth/page.ts', import.meta.url));

let pageServer: Server;
let origin: string;
let as: AuthorizationServer;
let rs: ResourceServer;
let browser: Browser;
let context: Context;
const pageErrors: string[] = [];

beforeAll(async () => {
  const script = await bundlePage(entry);
  pageServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/main.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    if (path === '/config.json') {
      const config = {
        issuer: as.issuer,
        api: rs.url,
        resource: API_RESOURCE,
        scope: `openid offline_access ${API_SCOPE}`,
      };
      return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(config));
    }
    if (path !== '/') return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(
      '<!doctype html><title>oauth + dpop</title><a id="login">Log in with the provider</a><script type="module" src="/main.js"></script>',
    );
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  // The provider sends the browser back to the page itself.
  as = await startAuthorizationServer({ accessTokenTtl: ACCESS_TOKEN_TTL, redirectUris: [`${origin}/`] });
  rs = await startResourceServer({ issuer: as, dpop: { requireNonce: true } });
  browser = await launchBrowser();
  context = await browser.newContext();
});

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before assigning these */
  await context?.close();
  await browser?.close();
  await Promise.all([as?.close(), rs?.close(), new Promise((resolve) => pageServer?.close(resolve))]);
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  expect(pageErrors).toEqual([]);
});

async function openTab(): Promise<Page> {
  const page = await context.newPage();
  page.onPageError((message) => pageErrors.push(message));
  await page.goto(`${origin}/`);
  await whenReady(page);
  return page;
}

// The page module awaits its config first: `oauthPage` appears once that is in.
async function whenReady(page: Page): Promise<void> {
  await page.waitForFunction(() => 'oauthPage' in window);
  await page.evaluate(() => window.oauthPage.ready);
}

/** The `cnf.jkt` the provider bound the access token to. */
function boundJkt(token: string | null): unknown {
  const payload = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()) as { cnf?: { jkt?: string } };
  return payload.cnf?.jkt;
}

const accessToken = (page: Page) => page.evaluate(() => window.oauthPage.session.tokens?.accessToken ?? null);

/**
 * Ten requests from each tab, all sent the moment the access token expires (both tabs' proactive
 * timers fire then too); returns every status and how many refresh grants the provider made.
 */
async function burstAtExpiry(tabs: Page[]): Promise<{ statuses: number[]; refreshGrants: number }> {
  let expiresAt = await tabs[0]!.evaluate(() => window.oauthPage.session.tokens!.expiresAt!);
  if (expiresAt - Date.now() < 1_500) {
    // Too close to call: let this expiry's refresh pass and aim at the next one.
    const old = await accessToken(tabs[0]!);
    await expect.poll(() => accessToken(tabs[0]!), { timeout: 10_000 }).not.toBe(old);
    expiresAt = await tabs[0]!.evaluate(() => window.oauthPage.session.tokens!.expiresAt!);
  }
  const before = as.counters.refreshGrants;
  const statuses = await Promise.all(
    tabs.map((tab) => tab.evaluate((at) => window.oauthPage.burst(10, at), expiresAt)),
  );
  return { statuses: statuses.flat(), refreshGrants: as.counters.refreshGrants - before };
}

describe(`OAuth 2.0 + DPoP in two tabs of ${ENGINE_TITLE}`, () => {
  let tabs: Page[];

  it('one login through the provider pages logs both tabs in with a DPoP-bound grant', async () => {
    tabs = [await openTab(), await openTab()];
    await tabs[0]!.click('#login');
    await logInAtProvider(tabs[0]!, as.url, 'alice');
    await tabs[0]!.waitForURL(`${origin}/`);
    await whenReady(tabs[0]!);

    const token = await accessToken(tabs[0]!);
    expect(token).not.toBeNull();
    await expect.poll(() => accessToken(tabs[1]!)).toBe(token);
    expect(boundJkt(token)).toBe((await tabs[0]!.evaluate(() => window.oauthPage.storedKey())).jkt);
    expect(await tabs[1]!.evaluate(() => window.oauthPage.session.tokens?.tokenType)).toBe('dpop');
    expect([as.counters.codeGrants, as.counters.refreshGrants]).toEqual([1, 0]);
  });

  it('a burst from both tabs after the token expired: one refresh grant, every request 200, one key', async () => {
    const first = await accessToken(tabs[0]!);
    const { statuses, refreshGrants } = await burstAtExpiry(tabs);

    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
    expect(refreshGrants).toBe(1);
    expect(as.counters.reuseDetected).toBe(0);
    const after = await Promise.all(tabs.map(accessToken));
    expect(after[0]).toBe(after[1]);
    expect(after[0]).not.toBe(first);
    // Both tabs signed every proof with the one key the grant is bound to.
    const [keyA, keyB] = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.oauthPage.storedKey())));
    expect(keyA).toEqual(keyB);
    expect([...rs.counters.seenJkts]).toEqual([keyA!.jkt]);
    expect(boundJkt(after[0]!)).toBe(keyA!.jkt);
  });

  it('the key in IndexedDB is a CryptoKey that cannot leave WebCrypto', async () => {
    const key = await tabs[0]!.evaluate(() => window.oauthPage.storedKey());
    expect(key).toMatchObject({
      privateType: 'private',
      privateExtractable: false,
      privateExport: 'InvalidAccessError',
      algorithm: 'ECDSA P-256',
    });
  });

  it('a reloaded tab keeps the key and the session, and keeps refreshing with the other tab', async () => {
    const { jkt } = await tabs[1]!.evaluate(() => window.oauthPage.storedKey());
    await tabs[1]!.reload();
    await whenReady(tabs[1]!);
    expect(await tabs[1]!.evaluate(() => window.oauthPage.session.status)).not.toBe('loggedOut');
    expect((await tabs[1]!.evaluate(() => window.oauthPage.storedKey())).jkt).toBe(jkt);

    const { statuses, refreshGrants } = await burstAtExpiry([tabs[1]!, tabs[0]!]);
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
    expect(refreshGrants).toBe(1);
    expect([...rs.counters.seenJkts]).toEqual([jkt]);
    expect([as.counters.codeGrants, as.counters.reuseDetected]).toEqual([1, 0]);
  });
});
