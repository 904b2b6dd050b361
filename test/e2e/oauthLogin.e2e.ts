/**
 * Login with tokenflight/oauth in each browser engine against the real oidc-provider and its own login and
 * consent pages: by redirect (then a reload: still logged in, the user's claims there, no code or
 * state in the address bar) and in a popup (logged in without the page reloading; a popup the
 * user closes is a PopupClosedError).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage } from '../../demo/bundle.js';
import { spaClient, startAuthorizationServer, type AuthorizationServer } from '../oauth/authorizationServer.js';
import { ENGINE, ENGINE_TITLE, launchBrowser, type Browser, type Context, type Page } from './harness.js';
import { logInAtProvider } from './providerPages.js';
import { match } from '../support/matchers.js';

const entry = fileURLToPath(new URL('./oauth/loginPage.ts', import.meta.url));

let pageServer: Server;
let origin: string;
let as: AuthorizationServer;
let browser: Browser;
const pageErrors: string[] = [];

async function openApp(context?: Context): Promise<Page> {
  const page = await (context ?? (await browser.newContext())).newPage();
  page.onPageError((message) => pageErrors.push(message));
  await page.goto(`${origin}/`);
  await whenReady(page);
  return page;
}

async function whenReady(page: Page): Promise<void> {
  await page.waitForFunction(() => 'loginPage' in window);
  await page.evaluate(() => window.loginPage.ready);
}

describe(`login with tokenflight/oauth in ${ENGINE_TITLE}`, () => {
  beforeAll(async () => {
    const script = await bundlePage(entry);
    pageServer = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/main.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
      if (path === '/config.json') {
        const config = { issuer: as.issuer, scope: 'openid offline_access' };
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(config));
      }
      if (path !== '/') return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(
        '<!doctype html><title>login</title><button id="redirect">Log in</button><button id="popup">Log in in a popup</button><button id="logout">Log out</button><script type="module" src="/main.js"></script>',
      );
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    as = await startAuthorizationServer({
      accessTokenTtl: 60,
      clients: [spaClient([`${origin}/`], { post_logout_redirect_uris: [`${origin}/`] })],
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before assigning these */
    await browser?.close();
    await Promise.all([as?.close(), new Promise((resolve) => pageServer?.close(resolve))]);
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    expect(pageErrors).toEqual([]);
  });

  it('by redirect: logged in with the claims; after a reload still so, no code or state in the URL', async () => {
    const page = await openApp();
    const grantsBefore = as.counters.codeGrants;
    await page.click('#redirect');
    await logInAtProvider(page, as.issuer, 'ada');
    await page.waitForURL(`${origin}/**`);
    await whenReady(page);

    expect(await page.evaluate(() => window.loginPage.outcome())).toEqual({
      result: match.objectContaining({ appState: { returnTo: '/orders' } }),
    });
    expect(await page.url()).toBe(`${origin}/`);
    expect(await page.evaluate(() => [window.loginPage.status(), window.loginPage.sub()])).toEqual(['idle', 'ada']);

    await page.reload();
    await whenReady(page);
    expect(await page.url()).toBe(`${origin}/`);
    expect(await page.evaluate(() => [window.loginPage.status(), window.loginPage.sub()])).toEqual(['idle', 'ada']);
    expect(await page.evaluate(() => window.loginPage.outcome())).toBeNull();
    expect(as.counters.codeGrants - grantsBefore).toBe(1);
    await page.context().close();
  });

  it('in a popup: logged in without the page reloading', async () => {
    const page = await openApp();
    await page.evaluate(() => {
      // A mark on this document: it is still there after the login if the page never reloaded.
      Object.assign(window, { sameDocument: true });
    });
    const popup = await page.waitForPopup(() => page.userClick('#popup'));
    await logInAtProvider(popup, as.issuer, 'bob');

    await expect
      .poll(() => page.evaluate(() => window.loginPage.outcome()))
      .toEqual({
        result: match.objectContaining({ appState: 'editor', user: match.objectContaining({ sub: 'bob' }) }),
      });
    expect(await page.evaluate(() => [window.loginPage.status(), window.loginPage.sub()])).toEqual(['idle', 'bob']);
    expect(await page.evaluate(() => 'sameDocument' in window)).toBe(true);
    await expect.poll(() => popup.isClosed()).toBe(true);
    await page.context().close();
  });

  it('a popup the user closes: PopupClosedError, still logged out', async () => {
    const page = await openApp();
    const popup = await page.waitForPopup(() => page.userClick('#popup'));
    await popup.waitForURL(`${as.issuer}/interaction/**`);
    await popup.close();

    await expect
      .poll(() => page.evaluate(() => window.loginPage.outcome()), { timeout: 5_000 })
      .toEqual({
        error: 'PopupClosedError',
      });
    expect(await page.evaluate(() => window.loginPage.status())).toBe('loggedOut');
    await page.context().close();
  });

  it(`a popup opened by a script's click (no user activation): ${
    ENGINE === 'webkit'
      ? 'blocked, PopupClosedError with blocked set'
      : 'opens, since the driver gives the script a user gesture'
  }`, async () => {
    const page = await openApp();
    if (ENGINE === 'webkit') {
      await page.click('#popup');
      await expect
        .poll(() => page.evaluate(() => window.loginPage.outcome()), { timeout: 5_000 })
        .toEqual({ error: 'PopupClosedError (blocked)' });
    } else {
      const popup = await page.waitForPopup(() => page.click('#popup'));
      await popup.close();
      await expect
        .poll(() => page.evaluate(() => window.loginPage.outcome()), { timeout: 5_000 })
        .toEqual({ error: 'PopupClosedError' });
    }
    expect(await page.evaluate(() => window.loginPage.status())).toBe('loggedOut');
    await page.context().close();
  });

  it('two tabs: a login in one is seen in the other with the same user; logout at the provider logs both out and the next login asks for the password', async () => {
    const first = await openApp();
    const second = await openApp(first.context());
    await first.click('#redirect');
    await logInAtProvider(first, as.issuer, 'cy');
    await first.waitForURL(`${origin}/**`);
    await whenReady(first);
    await expect
      .poll(() => second.evaluate(() => [window.loginPage.status(), window.loginPage.sub()]))
      .toEqual(['idle', 'cy']);
    const revocationsBefore = as.counters.revocations;

    await first.click('#logout');
    await first.waitForURL(`${as.issuer}/session/end**`);
    await first.click('button[name="logout"]');
    await first.waitForURL(`${origin}/?state=bye`);
    await whenReady(first);

    expect(await first.evaluate(() => [window.loginPage.status(), window.loginPage.sub()])).toEqual([
      'loggedOut',
      null,
    ]);
    await expect
      .poll(() => second.evaluate(() => [window.loginPage.status(), window.loginPage.sub()]))
      .toEqual(['loggedOut', null]);
    expect(as.counters.revocations - revocationsBefore).toBe(1);
    await first.click('#redirect');
    await first.waitForURL(`${as.issuer}/interaction/**`);
    await first.waitForSelector('input[name="login"]');
    await first.context().close();
  });
});
