/**
 * The example app (examples/react-vite), built by Vite and clicked through in each browser engine against
 * the demo's auth API and its embedded oidc-provider: a login at the provider, a burst after the
 * API expired the token (one refresh grant), a logout.
 */
import { fileURLToPath } from 'node:url';
import type { Browser } from './harness.js';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../../demo/startDemo.js';
import type { AuthHttpServer } from '../../server/createAuthHttpServer.js';
import { ENGINE_TITLE, launchBrowser, type OAuthStats } from './harness.js';
import { logInAtProvider } from './providerPages.js';

const example = fileURLToPath(new URL('../../examples/react-vite/', import.meta.url));

let server: AuthHttpServer;
let browser: Browser;

beforeAll(async () => {
  await build({ configFile: `${example}vite.config.ts`, logLevel: 'error' });
  server = await startDemoServer({ host: '127.0.0.1', port: 0, accessTtl: 300, pageDir: `${example}dist` });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before assigning these */
  await browser?.close();
  await server?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

const oauthStats = async () => (await (await fetch(`${server.url}/api/stats?of=extension`)).json()) as OAuthStats;
const debug = (action: 'expire' | 'reset') => fetch(`${server.url}/api/debug/${action}`, { method: 'POST' });

describe(`the React + Vite example in ${ENGINE_TITLE}`, () => {
  it('logs in at the provider, makes one refresh grant for a burst after expiry, and logs out', async () => {
    await debug('reset');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.onPageError((message) => errors.push(message));
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.textContent('#status')).toBe('loggedOut');

    const { issuer } = (await (await fetch(`${server.url}/oauth.json`)).json()) as { issuer: string };
    await page.click('#login');
    await logInAtProvider(page, issuer, 'ada');
    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.textContent('#status')).toBe('idle');
    expect((await oauthStats()).codeGrants).toBe(1);

    await debug('expire');
    const before = await oauthStats();
    await page.click('#load');
    await expect.poll(() => page.textContent('#answers'), { timeout: 10_000 }).toBe('200 200 200 200 200');
    const after = await oauthStats();
    expect(after.refreshGrants - before.refreshGrants).toBe(1);
    expect(after.unauthorized - before.unauthorized).toBe(5);
    expect(after.reuseDetected).toBe(0);

    await page.click('#logout');
    await expect.poll(() => page.textContent('#status')).toBe('loggedOut');
    await expect.poll(async () => (await oauthStats()).revocations).toBe(after.revocations + 1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
