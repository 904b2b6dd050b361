// Logs a user in through the real provider the way an app using tokenflight/oauth does:
// authorization URL with PKCE (oauth4webapi), the browser's part (test/oauth's form walker),
// then op.exchangeCode at the token endpoint.
import * as oauth from 'oauth4webapi';
import type { CodeExchangeAnswer, OAuthClient } from 'tokenflight/oauth';
import { API_RESOURCE, API_SCOPE, SPA_REDIRECT_URI } from '../oauth/authorizationServer.js';
import { walkInteractions } from '../oauth/codeFlow.js';

export async function logIn(op: OAuthClient, login = 'alice'): Promise<CodeExchangeAnswer> {
  const as = await op.metadata();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: op.client.client_id,
    response_type: 'code',
    redirect_uri: SPA_REDIRECT_URI,
    scope: `openid offline_access ${API_SCOPE}`,
    prompt: 'consent',
    resource: API_RESOURCE,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  const callbackUrl = await walkInteractions(url, login);
  return op.exchangeCode({ callbackUrl, expectedState: state, codeVerifier, redirectUri: SPA_REDIRECT_URI });
}

/** Resolves once `check` holds, polling; rejects after `timeout` ms so a test never hangs. */
export async function eventually(check: () => boolean, timeout = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeout) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
