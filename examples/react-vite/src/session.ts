// One session for the whole app, created when this module is first imported (never in a component).
import { createAuthSession, webStorage } from 'tokenflight';
import { crossTab } from 'tokenflight/cross-tab';
import { createAuthFetch } from 'tokenflight/fetch';
import { oauth } from 'tokenflight/oauth';

/** Where the provider is and who this app is there: served by your backend (or hard-code it). */
export interface OAuthConfig {
  issuer: string;
  clientId: string;
  /** The API's resource indicator (RFC 8707). */
  resource: string;
  scope: string;
  redirectUri: string;
}

export const config = (await (await fetch('/oauth.json')).json()) as OAuthConfig;

export const op = oauth({
  issuer: config.issuer,
  clientId: config.clientId,
  clientMetadata: { id_token_signed_response_alg: 'ES256' },
  // Tokens bound to a non-extractable key kept in IndexedDB (RFC 9449).
  dpop: true,
  resource: config.resource,
  // Only for a provider on plain http://127.0.0.1 while developing.
  allowInsecureRequests: new URL(config.issuer).protocol === 'http:',
});

export const session = createAuthSession({
  refresh: op.refresh,
  storage: webStorage(localStorage, 'example-session'),
  // The tabs of this app share one session: one refresh for all of them, logout everywhere.
  plugins: [op, crossTab({ name: 'example-session' })],
});

/** fetch with the session's DPoP-bound token for this origin's API. */
export const authFetch = createAuthFetch(session);
