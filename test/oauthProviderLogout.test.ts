// Logout at the provider (OpenID Connect RP-Initiated Logout 1.0) against a real oidc-provider:
// the session logs out (every tab with crossTab()), the grant is revoked (RFC 7009) before the
// browser leaves, and the end_session_endpoint ends the provider's own login session, so the
// next login shows the provider's login form again.
import { describe, expect, it } from 'vitest';
import { crossTab } from 'tokenflight/cross-tab';
import { rawRefresh } from './oauth/codeFlow.js';
import { SPA_POST_LOGOUT_REDIRECT_URI } from './oauth/authorizationServer.js';
import { useLoginPages } from './support/loginPages.js';
import { MapStorage } from './support/mapStorage.js';
import { memoryLocks } from './support/memoryLocks.js';
import { appTab, providerBrowser } from './support/providerBrowser.js';
import { asJsonObject, parseJson } from './support/json.js';

const { provider, pageLoad } = useLoginPages();

describe('logoutAtProvider', () => {
  it('revokes the grant, ends the provider session (the next login asks for the password again) and logs out every tab', async () => {
    const as = await provider();
    const local = new MapStorage();
    const locks = memoryLocks();
    const name = `oauth-logout-${process.pid}-${Date.now()}`;
    const shared = () => ({ plugins: [crossTab({ name, locks: locks.manager })] });
    const browser = providerBrowser();
    const tab = appTab();
    const other = pageLoad(as, appTab(), local, {}, shared());
    const { op, session } = pageLoad(as, tab, local, { postLogoutRedirectUri: SPA_POST_LOGOUT_REDIRECT_URI }, shared());
    await op.loginWithRedirect();
    const first = await browser.visit(tab.lastAssigned());
    tab.href = first.landedAt.href;
    await op.handleRedirectCallback(session);
    await expect.poll(() => other.session.status).toBe('idle');
    const idToken = local.getItem('tokenflight:user');
    const refreshToken = session.tokens!.refreshToken!;
    // Control: while the provider session lives, a new authorization request skips the login form.
    await op.loginWithRedirect();
    expect((await browser.visit(tab.lastAssigned())).pages).not.toContain('login');

    let revocationsWhenLeaving = -1;
    const assign = tab.location.assign;
    tab.location.assign = (url) => {
      revocationsWhenLeaving = as.counters.revocations;
      assign(url);
    };

    await op.logoutAtProvider(session, { state: 'bye' });

    expect(session.status).toBe('loggedOut');
    await expect.poll(() => other.session.status).toBe('loggedOut');
    expect(other.op.user).toBeNull();
    // Revoked before the browser left the page (a navigation would cancel the request).
    expect([revocationsWhenLeaving, as.counters.revocations]).toEqual([1, 1]);
    expect(await rawRefresh(as, refreshToken)).toMatchObject({ ok: false, error: 'invalid_grant' });
    const endSession = tab.lastAssigned();
    expect(endSession.pathname).toBe('/session/end');
    expect(endSession.searchParams.get('id_token_hint')).toBe(asJsonObject(parseJson(idToken!)).idToken);
    expect(
      Object.fromEntries(
        ['client_id', 'post_logout_redirect_uri', 'state'].map((key) => [key, endSession.searchParams.get(key)]),
      ),
    ).toEqual({
      client_id: 'spa',
      post_logout_redirect_uri: SPA_POST_LOGOUT_REDIRECT_URI,
      state: 'bye',
    });

    const logout = await browser.visit(endSession);
    expect(logout.pages).toEqual(['logout']);
    expect(logout.landedAt.href).toBe(`${SPA_POST_LOGOUT_REDIRECT_URI}?state=bye`);

    await op.loginWithRedirect();
    expect((await browser.visit(tab.lastAssigned())).pages).toEqual(['login', 'consent']);
  });
});
