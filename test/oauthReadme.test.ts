// docs/oauth.md's ten-minute path, run as written against a real oidc-provider and resource
// server. The page's browser globals (location, history, sessionStorage, localStorage) are
// stand-ins, so the snippets read as browser code; the provider's pages are filled in by
// test/support/providerBrowser, as the user would.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SPA_POST_LOGOUT_REDIRECT_URI, startAuthorizationServer } from './oauth/authorizationServer.js';
import { startResourceServer } from './oauth/resourceServer.js';
import { MapStorage } from './support/mapStorage.js';
import { appTab, providerBrowser } from './support/providerBrowser.js';
import { settings } from './userCode/oauthSettings.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await Promise.all(
    closers.splice(0).map(async (close) => {
      await close();
    }),
  );
  vi.unstubAllGlobals();
});

describe('the ten-minute OAuth path of docs/oauth.md', () => {
  it('logs in by redirect with PKCE, nonce and DPoP, knows the user, calls the API, refreshes with the same key, logs out at the provider', async () => {
    const as = await startAuthorizationServer();
    const rs = await startResourceServer({ issuer: as, dpop: { requireNonce: true } });
    closers.push(as.close, rs.close);
    const tab = appTab('http://127.0.0.1/app/orders');
    vi.stubGlobal('location', tab.location);
    vi.stubGlobal('history', tab.history);
    vi.stubGlobal('sessionStorage', tab.loginStorage);
    vi.stubGlobal('localStorage', new MapStorage());
    Object.assign(settings, {
      issuer: as.issuer,
      redirectUri: 'http://127.0.0.1/cb',
      postLogoutRedirectUri: SPA_POST_LOGOUT_REDIRECT_URI,
      api: rs.url,
      insecure: true,
    });
    // The app's module, loaded as the page loads it: after its globals exist.
    const app = await import('./userCode/oauthClient.js');
    const { session, authFetch } = app;
    const api = rs.url;
    closers.push(() => session.stop());

    await app.logIn();
    tab.href = (await providerBrowser().visit(tab.lastAssigned())).landedAt.href;
    await app.finishLogin();
    const greetings: string[] = [];
    app.greetUser((text) => greetings.push(text));

    const before = session.tokens!.accessToken;
    const first = await authFetch(`${api}/api/data`);
    await session.refresh();
    const second = await authFetch(`${api}/api/data`);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(session.tokens!.accessToken).not.toBe(before);
    expect(rs.counters.seenJkts.size).toBe(1);
    expect(tab.href).toBe('http://127.0.0.1/cb');

    await app.logOut();

    expect(session.status).toBe('loggedOut');
    // The refresh's new ID token (same user) may come between: its claims changed (iat, exp).
    expect([greetings.at(0), greetings.at(-1)]).toEqual(['Hello, alice', 'Logged out']);
    expect(new URL(tab.lastAssigned()).searchParams.get('post_logout_redirect_uri')).toBe(SPA_POST_LOGOUT_REDIRECT_URI);
    expect([
      as.counters.codeGrants,
      as.counters.refreshGrants,
      as.counters.revocations,
      as.counters.reuseDetected,
    ]).toEqual([1, 1, 1, 0]);
  });
});
