// The authorization code flow with PKCE (RFC 7636) through oauth4webapi: the verifier and state
// wait in this tab's sessionStorage while the browser is at the provider.
import * as o4w from 'oauth4webapi';
import { config, op, session } from './session.js';

const PENDING = 'example-login';

export async function startLogin(): Promise<void> {
  const server = await op.metadata();
  if (!server.authorization_endpoint) throw new Error('the provider announces no authorization_endpoint');
  const codeVerifier = o4w.generateRandomCodeVerifier();
  const state = o4w.generateRandomState();
  sessionStorage.setItem(PENDING, JSON.stringify({ codeVerifier, state }));
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: config.redirectUri,
    scope: config.scope,
    // offline_access with prompt=consent is how OpenID Connect asks for a refresh token.
    prompt: 'consent',
    resource: config.resource,
    state,
    code_challenge: await o4w.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url);
}

/** On the provider's redirect back: exchanges the code and logs the session in. */
export async function finishLogin(): Promise<void> {
  const callbackUrl = new URL(location.href);
  if (!callbackUrl.searchParams.has('code') && !callbackUrl.searchParams.has('error')) return;
  const pending = sessionStorage.getItem(PENDING);
  // One use only: a reload of the callback page must not present the code again.
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', new URL(config.redirectUri).pathname);
  if (!pending) return;
  const { codeVerifier, state } = JSON.parse(pending) as { codeVerifier: string; state: string };
  session.login(
    await op.exchangeCode({ callbackUrl, expectedState: state, codeVerifier, redirectUri: config.redirectUri }),
  );
}
