// The README's "With an OAuth 2.0 / OpenID Connect provider" path, run as written against a
// real oidc-provider: the browser's redirect is test/oauth's form walker.
import * as oauth4webapi from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession } from '../src/index.js';
import { createAuthFetch } from '../src/fetch/index.js';
import { memoryKeyStore, oauth } from '../src/oauth/index.js';
import { startAuthorizationServer, type AuthorizationServer } from './oauth/authorizationServer.js';
import { walkInteractions } from './oauth/codeFlow.js';
import { startResourceServer } from './oauth/resourceServer.js';
import { eventually } from './support/oauthLogin.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The browser: follows the redirect to the provider, logs in, lands on the redirect URI. */
const browser = { assign: (url: URL) => walkInteractions(url, 'alice') };

async function tenMinutePath(as: AuthorizationServer, api: string) {
  const issuer = as.issuer;
  const redirectUri = 'http://127.0.0.1/cb';
  const sessionStore = new Map<string, string>();

  // --- snippet: oauth-setup ---
  const op = oauth({
    issuer, // discovery, once
    clientId: 'spa',
    // Only if your provider signs ID tokens with another algorithm than RS256 (the default), as
    // this test's provider does with ES256; a mismatch fails the code exchange after the code is spent.
    clientMetadata: { id_token_signed_response_alg: 'ES256' },
    dpop: { keyStore: memoryKeyStore() }, // in a browser: `dpop: true` keeps the key in IndexedDB
    allowInsecureRequests: true, // http://127.0.0.1 in this test only
  });
  // --- end of snippet ---

  // --- snippet: oauth-login ---
  const metadata = await op.metadata();
  const codeVerifier = oauth4webapi.generateRandomCodeVerifier();
  const state = oauth4webapi.generateRandomState();
  sessionStore.set('pkce', JSON.stringify({ codeVerifier, state }));
  const authorizationUrl = new URL(metadata.authorization_endpoint!);
  authorizationUrl.search = new URLSearchParams({
    client_id: 'spa',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid offline_access api:read',
    prompt: 'consent',
    state,
    code_challenge: await oauth4webapi.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  const callbackUrl = await browser.assign(authorizationUrl); // location.assign(authorizationUrl)
  // --- end of snippet ---

  // --- snippet: oauth-callback ---
  const saved = JSON.parse(sessionStore.get('pkce')!) as { codeVerifier: string; state: string };
  const tokens = await op.exchangeCode({
    callbackUrl, // new URL(location.href) on the redirect page
    expectedState: saved.state,
    codeVerifier: saved.codeVerifier,
    redirectUri,
  });
  const session = createAuthSession({ refresh: op.refresh, plugins: [op], tokens });
  const authFetch = createAuthFetch(session, { origins: [api] }); // DPoP header and proof on each request
  // --- end of snippet ---
  return { session, authFetch };
}

describe("the README's OAuth provider path", () => {
  it('discovers, logs in with code + PKCE and DPoP, calls the API with proofs, refreshes with the same key, revokes on logout', async () => {
    const as = await startAuthorizationServer();
    const rs = await startResourceServer({ issuer: as, dpop: { requireNonce: true } });
    closers.push(as.close, rs.close);
    const { session, authFetch } = await tenMinutePath(as, rs.url);
    closers.push(() => session.stop());

    const before = session.tokens!.accessToken;
    const first = await authFetch(`${rs.url}/api/data`);
    await session.refresh();
    const after = session.tokens!.accessToken;
    const second = await authFetch(`${rs.url}/api/data`);
    // --- snippet: oauth-logout ---
    session.logout(); // returns at once; plugins: [op] revokes the grant at the provider in the background
    // --- end of snippet ---
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
