// The session's user against a real oidc-provider: the ID token's claims kept beside the tokens
// (a reload, other tabs with crossTab()), replaced when a refresh brings a new ID token for the
// same user (OpenID Connect Core 12.2), refused when it names another, cleared on logout.
import { describe, expect, it } from 'vitest';
import { crossTab } from 'tokenflight/cross-tab';
import { IdTokenMismatchError, type UserClaims } from 'tokenflight/oauth';
import { loginWithCodeFlow } from './oauth/codeFlow.js';
import { useLoginPages, type AppTab } from './support/loginPages.js';
import { MapStorage } from './support/mapStorage.js';
import { memoryLocks } from './support/memoryLocks.js';
import { appTab, providerBrowser } from './support/providerBrowser.js';
import {
  SPA_REDIRECT_URI,
  spaClient,
  USERINFO_CLIENT_ID,
  type AuthorizationServer,
} from './oauth/authorizationServer.js';

const { provider, pageLoad } = useLoginPages();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Logs `tab` in through the provider; returns the callback page's client and session. */
async function loggedIn(as: AuthorizationServer, tab: AppTab, local: MapStorage, login = 'alice') {
  const page = pageLoad(as, tab, local);
  await page.op.loginWithRedirect();
  tab.href = (await providerBrowser().visit(tab.lastAssigned(), { login })).landedAt.href;
  await page.op.handleRedirectCallback(page.session);
  return page;
}

describe("the session's user", () => {
  it('a refresh with a new ID token for the same user replaces the claims, and subscribers hear it', async () => {
    const as = await provider();
    const local = new MapStorage();
    const { op, session } = await loggedIn(as, appTab(), local);
    const heard: Array<UserClaims | null> = [];
    op.subscribeUser((user) => heard.push(user));
    const before = op.user;
    const storedBefore = local.getItem('tokenflight:user');
    // ID tokens carry their issue time in whole seconds.
    await sleep(1_100);

    await session.refresh();

    expect(as.counters.refreshGrants).toBe(1);
    expect(op.user?.sub).toBe('alice');
    expect(op.user?.iat).toBeGreaterThan(before!.iat);
    expect(local.getItem('tokenflight:user')).not.toBe(storedBefore);
    expect(heard.map((user) => user?.iat)).toEqual([before!.iat, op.user!.iat]);
  });

  it('a refresh whose ID token names another user is refused: IdTokenMismatchError, the session expires, no user', async () => {
    const as = await provider();
    const local = new MapStorage();
    const { op, session } = await loggedIn(as, appTab(), local);
    // Tokens of bob's grant put under alice's session (as a mix-up would): the next refresh gets bob's ID token.
    const bob = await loginWithCodeFlow(as, { login: 'bob' });
    session.login(bob);
    const expired = new Promise<unknown>((resolve) => session.on('expired', (event) => resolve(event.error)));

    const refusal = await session.refresh().catch((error: unknown) => error);

    expect(await expired).toBeInstanceOf(IdTokenMismatchError);
    expect(await expired).toMatchObject({ name: 'IdTokenMismatchError', claim: 'sub' });
    expect(refusal).toBeInstanceOf(Error);
    expect(session.status).toBe('expired');
    expect(op.user).toBeNull();
    expect(as.counters.refreshGrants).toBe(1);
  });

  it('a stored user record that is no ID token record reads as no user after a reload', async () => {
    const as = await provider();
    const local = new MapStorage();
    const tab = appTab();
    await loggedIn(as, tab, local);
    local.setItem('tokenflight:user', JSON.stringify({ idToken: 'x', claims: { sub: 42, iss: as.issuer } }));

    const reloaded = pageLoad(as, tab, local);

    expect(reloaded.session.status).toBe('idle');
    expect(reloaded.op.user).toBeNull();
  });

  it('logout clears the user, in storage too; subscribers hear null', async () => {
    const as = await provider();
    const local = new MapStorage();
    const { op, session } = await loggedIn(as, appTab(), local);
    const heard: Array<string | null> = [];
    op.subscribeUser((user) => heard.push(user?.sub ?? null));

    session.logout();

    expect(heard).toEqual(['alice', null]);
    expect(op.user).toBeNull();
    expect(local.getItem('tokenflight:user')).toBeNull();
  });

  it('fetchUserInfo asks the UserInfo endpoint with the session token and checks its sub', async () => {
    const as = await provider([spaClient([SPA_REDIRECT_URI], { client_id: USERINFO_CLIENT_ID })]);
    const tab = appTab();
    const { op, session } = pageLoad(as, tab, new MapStorage(), { clientId: USERINFO_CLIENT_ID, scope: 'openid' });
    await op.loginWithRedirect();
    tab.href = (await providerBrowser().visit(tab.lastAssigned())).landedAt.href;
    await op.handleRedirectCallback(session);

    await expect(op.fetchUserInfo(session)).resolves.toMatchObject({ sub: 'alice' });
  });

  it('with crossTab(), a login in one tab is seen in the other with the same claims, and a logout clears both', async () => {
    const as = await provider();
    const local = new MapStorage();
    const locks = memoryLocks();
    const name = `oauth-user-${process.pid}-${Date.now()}`;
    const shared = () => ({ plugins: [crossTab({ name, locks: locks.manager })] });
    const tabA = appTab();
    const tabB = appTab();
    const a = pageLoad(as, tabA, local, {}, shared());
    const b = pageLoad(as, tabB, local, {}, shared());
    const heardInB: Array<string | null> = [];
    b.op.subscribeUser((user) => heardInB.push(user?.sub ?? null));

    await a.op.loginWithRedirect();
    tabA.href = (await providerBrowser().visit(tabA.lastAssigned())).landedAt.href;
    await a.op.handleRedirectCallback(a.session);
    await expect.poll(() => b.session.status).toBe('idle');

    expect(b.op.user).toEqual(a.op.user);
    expect(heardInB).toEqual([null, 'alice']);

    a.session.logout();
    await expect.poll(() => b.session.status).toBe('loggedOut');
    expect(b.op.user).toBeNull();
    expect(heardInB).toEqual([null, 'alice', null]);
  });
});
