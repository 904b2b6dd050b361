/**
 * The demo's OAuth 2.0 + DPoP mode, clicked through in each browser engine (docs/browsers.md): the login link leads to the
 * embedded oidc-provider's own login and consent pages and back; a burst after the API expired
 * the token makes one refresh grant at the provider; the case buttons work as in the other
 * modes; the logout revokes the grant at the provider.
 */
import type { Page } from './page.js';
import { describe, expect, it } from 'vitest';
import { clickAndWait, sessionStatus, shownResult, useDemo, whenDemoReady, type Demo } from './harness.js';
import { logInAtProvider } from './providerPages.js';

async function logInThroughProvider(demo: Demo): Promise<Page> {
  const page = await demo.open('oauth');
  const { issuer } = (await (await fetch(`${demo.server.url}/oauth.json`)).json()) as { issuer: string };
  await page.click('#login');
  await logInAtProvider(page, issuer, 'ada');
  await page.waitForURL(`${demo.server.url}/?mode=oauth`);
  await whenDemoReady(page);
  await expect.poll(() => sessionStatus(page)).toBe('idle');
  return page;
}

const burst = (page: Page, count: number) =>
  page.evaluate(async (count) => {
    const requests = Array.from({ length: count }, (_, i) => window.tokenflightDemo.authFetch(`/api/secret?n=${i}`));
    return (await Promise.all(requests)).map((response) => response.status);
  }, count);

describe('the demo in OAuth 2.0 + DPoP mode', () => {
  const demo = useDemo();

  it('logs in through the provider, shares one refresh grant among a burst after expiry, and revokes at the provider on logout', async () => {
    const page = await logInThroughProvider(demo);
    expect(await page.textContent('#login')).toBe('Log in with the provider');
    expect((await demo.oauthStats()).codeGrants).toBe(1);

    await demo.debug('expire');
    const before = await demo.oauthStats();
    expect(await burst(page, 10)).toEqual(Array.from({ length: 10 }, () => 200));
    const after = await demo.oauthStats();
    expect(after.refreshGrants - before.refreshGrants).toBe(1);
    // Every request of the burst met the expired token once, then went through with the new one.
    expect(after.unauthorized - before.unauthorized).toBe(10);
    expect(after.reuseDetected).toBe(0);

    const revocations = after.revocations;
    await clickAndWait(page, '#logout');
    expect(await sessionStatus(page)).toBe('loggedOut');
    await expect.poll(async () => (await demo.oauthStats()).revocations).toBe(revocations + 1);
    await demo.screenshot(page, 'oauth-after-logout');
  });

  it('runs the cases: "expired, refreshable" counts the provider’s one refresh grant, "expired for good" ends the session', async () => {
    const page = await logInThroughProvider(demo);

    await clickAndWait(page, '#case-refreshable');
    const refreshable = await shownResult(page);
    expect(refreshable.refreshes).toBe(1);
    expect(refreshable.outcomes.every((line) => line.includes('200'))).toBe(true);

    await clickAndWait(page, '#case-expiredForGood');
    expect(await sessionStatus(page)).toBe('expired');
    expect((await shownResult(page)).outcomes.filter((line) => line.includes('SessionExpiredError'))).toHaveLength(2);
  });
});
