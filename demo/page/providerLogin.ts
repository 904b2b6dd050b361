/**
 * Logging in at the authorization server from a browser page, the way an SPA using
 * tokenflight/oauth does: the authorization code flow with PKCE (RFC 7636). Before the
 * redirect, the code verifier and state wait in this tab's sessionStorage; on the way back,
 * `op.exchangeCode` swaps the code for tokens (bound to the DPoP key when the op has one).
 */
import * as o4w from 'oauth4webapi';
import type { AuthSession } from '../../src/index.js';
import type { OAuthClient } from '../../src/oauth/index.js';

export interface AuthorizationRequest {
  /** Where the provider sends the browser back: a page that calls `completeProviderLogin`. */
  redirectUri: string;
  scope: string;
  /** Resource indicator (RFC 8707). */
  resource?: string;
}

const PENDING_KEY = 'tokenflight-pkce';
const CALLBACK_PARAMETERS = ['code', 'state', 'iss', 'error', 'error_description', 'session_state'];

interface Pending {
  codeVerifier: string;
  state: string;
}

/** The authorization endpoint URL for a new login; the verifier and state it needs later are kept in this tab. */
export async function authorizationUrl(op: OAuthClient, request: AuthorizationRequest): Promise<URL> {
  const server = await op.metadata();
  if (!server.authorization_endpoint) throw new Error('the provider announces no authorization_endpoint');
  const pending: Pending = { codeVerifier: o4w.generateRandomCodeVerifier(), state: o4w.generateRandomState() };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: op.client.client_id,
    response_type: 'code',
    redirect_uri: request.redirectUri,
    scope: request.scope,
    // offline_access + prompt=consent is the OIDC way to ask for a refresh token.
    prompt: 'consent',
    ...(request.resource ? { resource: request.resource } : {}),
    state: pending.state,
    code_challenge: await o4w.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

/**
 * When this page load is the provider's redirect back: exchanges the code and logs `session`
 * in, and takes the callback parameters out of the address bar. Resolves false on any other load.
 */
export async function completeProviderLogin(
  op: OAuthClient,
  session: AuthSession,
  redirectUri: string,
): Promise<boolean> {
  const callbackUrl = new URL(location.href);
  if (!callbackUrl.searchParams.has('code') && !callbackUrl.searchParams.has('error')) return false;
  const pending = readPending();
  const clean = new URL(callbackUrl);
  for (const name of CALLBACK_PARAMETERS) clean.searchParams.delete(name);
  history.replaceState(null, '', clean);
  if (!pending) throw new Error('the provider sent this tab back, but no login was started here');
  // A provider's error answer (access_denied...) throws here, as a typed oauth4webapi error.
  const tokens = await op.exchangeCode({
    callbackUrl,
    expectedState: pending.state,
    codeVerifier: pending.codeVerifier,
    redirectUri,
  });
  session.login(tokens);
  return true;
}

function readPending(): Pending | null {
  const stored = sessionStorage.getItem(PENDING_KEY);
  // One use only: a reload of the callback page must not present the code again.
  sessionStorage.removeItem(PENDING_KEY);
  return stored ? (JSON.parse(stored) as Pending) : null;
}
