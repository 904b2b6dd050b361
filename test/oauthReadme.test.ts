// docs/oauth.md's ten-minute path, run as written against a real oidc-provider and resource
// server. The page's browser globals (location, history, sessionStorage, localStorage) are
// stand-ins, so the snippets read as browser code; the provider's pages are filled in by
// test/support/providerBrowser, as the user would.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession, webStorage } from '../src/index.js';
import { createAuthFetch } from '../src/fetch/index.js';
import { memoryKeyStore, oauth } from '../src/oauth/index.js';
import { SPA_POST_LOGOUT_REDIRECT_URI, startAuthorizationServer } from './oauth/authorizationServer.js';
import { startResourceServer } from './oauth/resourceServer.js';
import { MapStorage } from './support/mapStorage.js';
import { appTab, providerBrowser } from './support/providerBrowser.js';

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
    const issuer = as.issuer;
    const api = rs.url;

    // --- snippet: oauth-setup ---
    const op = oauth({
      issuer, // discovery, once
      clientId: 'spa',
      clientMetadata: { id_token_signed_response_alg: 'ES256' },
      redirectUri: 'http://127.0.0.1/cb', // a page of the app that calls handleRedirectCallback
      postLogoutRedirectUri: 'http://127.0.0.1/logged-out',
      scope: 'openid offline_access api:read',
      dpop: { keyStore: memoryKeyStore() }, // in a browser: `dpop: true` keeps the key in IndexedDB
      allowInsecureRequests: true, // http://127.0.0.1 in this test only
    });
    const session = createAuthSession({ refresh: op.refresh, plugins: [op], storage: webStorage(localStorage) });
    const authFetch = createAuthFetch(session, { origins: [api] }); // DPoP header and proof on each request
    // --- end of snippet ---
    closers.push(() => session.stop());

    // --- snippet: oauth-login ---
    await op.loginWithRedirect({ appState: { returnTo: location.href }, prompt: 'consent' });
    // --- end of snippet ---
    tab.href = (await providerBrowser().visit(tab.lastAssigned())).landedAt.href;

    // --- snippet: oauth-callback ---
    if (op.hasLoginAnswer()) {
      // Checks state and iss, exchanges the code, validates the ID token, logs in, cleans the URL.
      const { appState } = await op.handleRedirectCallback(session);
      console.info('back to', appState);
    }
    // --- end of snippet ---
    const greetings: string[] = [];
    // --- snippet: oauth-user ---
    op.subscribeUser((user) => greetings.push(user ? `Hello, ${user.sub}` : 'Logged out'));
    // --- end of snippet ---

    const before = session.tokens!.accessToken;
    const first = await authFetch(`${api}/api/data`);
    await session.refresh();
    const second = await authFetch(`${api}/api/data`);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(session.tokens!.accessToken).not.toBe(before);
    expect(rs.counters.seenJkts.size).toBe(1);
    expect(tab.href).toBe('http://127.0.0.1/cb');

    // --- snippet: oauth-logout ---
    await op.logoutAtProvider(session); // logs out (every tab with crossTab()), revokes, then the provider's logout page
    // --- end of snippet ---

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
