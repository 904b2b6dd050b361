// User code for docs/oauth.md, as an app would write it; test/oauthReadme.test.ts runs it.
// --- snippet: oauth-setup ---
import * as oauth4webapi from 'oauth4webapi';
import { createAuthSession } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';
import { oauth } from 'tokenflight/oauth';
import { settings } from './oauthSettings.js'; // your values: issuer, api, redirectUri

export const op = oauth({
  issuer: settings.issuer, // discovery, once
  clientId: 'spa',
  // Only if your provider signs ID tokens with another algorithm than RS256 (the default), as
  // the tests' provider does with ES256; a mismatch fails the code exchange after the code is spent.
  clientMetadata: { id_token_signed_response_alg: 'ES256' },
  dpop: true, // one non-extractable key, kept in IndexedDB in a browser (in memory elsewhere)
  allowInsecureRequests: settings.insecure, // http:// in local development only
});
export const session = createAuthSession({ refresh: op.refresh, plugins: [op] });
export const authFetch = createAuthFetch(session, { origins: [settings.api] }); // DPoP header and proof on each request
// --- end of snippet ---

// --- snippet: oauth-login ---
export async function startLogin(): Promise<void> {
  const metadata = await op.metadata();
  const codeVerifier = oauth4webapi.generateRandomCodeVerifier();
  const state = oauth4webapi.generateRandomState();
  // The page is left: what the redirect page needs is saved first.
  sessionStorage.setItem('pkce', JSON.stringify({ codeVerifier, state }));
  const authorizationUrl = new URL(metadata.authorization_endpoint!);
  authorizationUrl.search = new URLSearchParams({
    client_id: 'spa',
    response_type: 'code',
    redirect_uri: settings.redirectUri,
    scope: 'openid offline_access api:read',
    prompt: 'consent',
    state,
    code_challenge: await oauth4webapi.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(authorizationUrl);
}
// --- end of snippet ---

// --- snippet: oauth-callback ---
/** On the redirect page. */
export async function finishLogin(): Promise<void> {
  const saved = sessionStorage.getItem('pkce');
  if (saved === null) throw new Error('no login in progress');
  const { codeVerifier, state } = JSON.parse(saved) as { codeVerifier: string; state: string };
  const tokens = await op.exchangeCode({
    callbackUrl: new URL(location.href),
    expectedState: state,
    codeVerifier,
    redirectUri: settings.redirectUri,
  });
  sessionStorage.removeItem('pkce');
  history.replaceState(null, '', settings.redirectUri); // a reload must not exchange the code again
  session.login(tokens);
}
// --- end of snippet ---

// --- snippet: oauth-logout ---
export function logOut(): void {
  session.logout(); // returns at once; plugins: [op] revokes the grant at the provider in the background
}
// --- end of snippet ---
