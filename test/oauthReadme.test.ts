// The README's "With an OAuth 2.0 / OpenID Connect provider" path, run as written against a
// real oidc-provider: the browser's redirect is test/oauth's form walker.
import * as oauth4webapi from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession } from '../src/index.js';
import { memoryKeyStore, oauth } from '../src/oauth/index.js';
import { startAuthorizationServer, type AuthorizationServer } from './oauth/authorizationServer.js';
import { walkInteractions } from './oauth/codeFlow.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The browser: follows the redirect to the provider, logs in, lands on the redirect URI. */
const browser = { assign: (url: URL) => walkInteractions(url, 'alice') };

async function tenMinutePath(as: AuthorizationServer) {
  const issuer = as.issuer;
  const redirectUri = 'http://127.0.0.1/cb';
  const sessionStore = new Map<string, string>();

  // --- snippet: oauth-setup ---
  const op = oauth({
    issuer, // discovery, once
    clientId: 'spa',
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
  const session = createAuthSession({ refresh: op.refresh, tokens });
  // --- end of snippet ---
  return { op, session };
}

describe("the README's OAuth provider path", () => {
  it('discovers, logs in with code + PKCE and DPoP, refreshes with the same key, revokes on logout', async () => {
    const as = await startAuthorizationServer();
    closers.push(as.close);
    const { op, session } = await tenMinutePath(as);
    closers.push(() => session.stop());

    const before = session.tokens!.accessToken;
    await session.refresh();
    const loggedOutWith = session.tokens!;
    // --- snippet: oauth-logout ---
    await op.revoke(loggedOutWith); // what plugins: [op] does, in the background, on session.logout()
    session.logout();
    // --- end of snippet ---

    expect(session.tokens).toBeNull();
    expect(loggedOutWith.accessToken).not.toBe(before);
    expect([as.counters.codeGrants, as.counters.refreshGrants, as.counters.revocations, as.counters.reuseDetected]).toEqual([1, 1, 1, 0]);
  });
});
