// The README's "With an OAuth 2.0 / OpenID Connect provider" path, run as written against a
// real oidc-provider: the browser's redirect is test/oauth's form walker.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startAuthorizationServer, type AuthorizationServer } from './oauth/authorizationServer.js';
import { walkInteractions } from './oauth/codeFlow.js';
import { startResourceServer } from './oauth/resourceServer.js';
import { eventually } from './support/oauthLogin.js';
import { MapStorage } from './support/mapStorage.js';
import { settings } from './userCode/oauthSettings.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  vi.unstubAllGlobals();
});

/**
 * The page, as far as the user code touches it: `location.assign` walks the provider's pages and
 * lands on the redirect URI, which becomes `location.href`; `sessionStorage` and `history` too.
 */
function stubPage() {
  const page = { landed: Promise.resolve() };
  const location = {
    href: 'http://127.0.0.1/',
    assign(url: URL) {
      page.landed = walkInteractions(url, 'alice').then((callback) => {
        location.href = callback.href;
      });
    },
  };
  vi.stubGlobal('location', location);
  vi.stubGlobal('sessionStorage', new MapStorage());
  vi.stubGlobal('history', { replaceState: (_state: unknown, _title: string, url: string) => (location.href = url) });
  return page;
}

/** The user code of docs/oauth.md against this provider and API. */
async function tenMinutePath(as: AuthorizationServer, api: string) {
  Object.assign(settings, { issuer: as.issuer, api, redirectUri: 'http://127.0.0.1/cb', insecure: true });
  const page = stubPage();
  const app = await import('./userCode/oauthClient.js');
  await app.startLogin();
  await page.landed;
  await app.finishLogin();
  expect(sessionStorage.getItem('pkce')).toBeNull();
  expect(location.href).toBe('http://127.0.0.1/cb');
  return app;
}

describe("the README's OAuth provider path", () => {
  it('discovers, logs in with code + PKCE and DPoP, calls the API with proofs, refreshes with the same key, revokes on logout', async () => {
    const as = await startAuthorizationServer();
    const rs = await startResourceServer({ issuer: as, dpop: { requireNonce: true } });
    closers.push(as.close, rs.close);
    const app = await tenMinutePath(as, rs.url);
    const { session, authFetch } = app;
    closers.push(() => session.stop());

    const before = session.tokens!.accessToken;
    const first = await authFetch(`${rs.url}/api/data`);
    await session.refresh();
    const after = session.tokens!.accessToken;
    const second = await authFetch(`${rs.url}/api/data`);
    app.logOut();
    await eventually(() => as.counters.revocations === 1);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(session.tokens).toBeNull();
    expect(session.status).toBe('loggedOut');
    expect(rs.counters.seenJkts.size).toBe(1);
    expect(after).not.toBe(before);
    expect([
      as.counters.codeGrants,
      as.counters.refreshGrants,
      as.counters.revocations,
      as.counters.reuseDetected,
    ]).toEqual([1, 1, 1, 0]);
  });
});
