// User code for docs/oauth.md, as an app would write it; test/oauthReadme.test.ts runs it against
// a real oidc-provider and resource server.
// --- snippet: oauth-setup ---
import { createAuthSession, webStorage } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';
import { oauth } from 'tokenflight/oauth';
import { settings } from './oauthSettings.js';

export const op = oauth({
  issuer: settings.issuer, // discovery, once
  clientId: settings.clientId,
  // Only if your client is registered for ES256-signed ID tokens (the default is RS256).
  clientMetadata: { id_token_signed_response_alg: 'ES256' },
  redirectUri: settings.redirectUri, // a page of the app that calls handleRedirectCallback
  postLogoutRedirectUri: settings.postLogoutRedirectUri,
  scope: 'openid offline_access api:read',
  dpop: true, // one non-extractable key, kept in IndexedDB in a browser (in memory elsewhere)
  allowInsecureRequests: settings.insecure, // http:// in local development only
});
export const session = createAuthSession({ refresh: op.refresh, plugins: [op], storage: webStorage(localStorage) });
export const authFetch = createAuthFetch(session, { origins: [settings.api] }); // DPoP header and proof on each request
// --- end of snippet ---

// --- snippet: oauth-login ---
export async function logIn(): Promise<void> {
  await op.loginWithRedirect({ appState: { returnTo: location.href }, prompt: 'consent' });
}
// --- end of snippet ---

// --- snippet: oauth-callback ---
/** On the page at redirectUri, when it loads. */
export async function finishLogin(): Promise<void> {
  if (op.hasLoginAnswer()) {
    // Checks state and iss, exchanges the code, validates the ID token, logs in, cleans the URL.
    const { appState } = await op.handleRedirectCallback(session);
    console.info('back to', appState);
  }
}
// --- end of snippet ---

// --- snippet: oauth-user ---
export function greetUser(show: (text: string) => void): () => void {
  return op.subscribeUser((user) => {
    show(user ? `Hello, ${user.sub}` : 'Logged out');
  });
}
// --- end of snippet ---

// --- snippet: oauth-logout ---
export async function logOut(): Promise<void> {
  await op.logoutAtProvider(session); // logs out (every tab with crossTab()), revokes, then the provider's logout page
}
// --- end of snippet ---
