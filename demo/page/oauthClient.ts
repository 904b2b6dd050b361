/**
 * The demo's OAuth 2.0 + DPoP mode, as an SPA using tokenflight/oauth writes it: oidc-provider
 * is the authorization server (its address comes from /oauth.json), the login is the code flow
 * with PKCE, state and nonce (`op.loginWithRedirect`, `op.handleRedirectCallback`) through the
 * provider's own pages, the tokens are bound to a non-extractable key in
 * IndexedDB, and a logout revokes the grant at the provider.
 */
import { createAuthSession, webStorage } from '../../src/index.js';
import { crossTab } from '../../src/cross-tab/index.js';
import { createAuthFetch } from '../../src/fetch/index.js';
import { oauth } from '../../src/oauth/index.js';
import { heartbeatThrough, loggingFetch, SLOW_REFRESH_MS, type DemoClient } from './client.js';
import type { DemoLog } from './log.js';

interface OAuthConfig {
  issuer: string;
  clientId: string;
  resource: string;
  scope: string;
  redirectUri: string;
}

export interface OAuthDemoClient extends DemoClient {
  /** "Log in with the provider": sends the browser to the provider with a new authorization request. */
  startLogin: () => Promise<void>;
  /** Finishes a login when this page load is the provider's redirect back. */
  completeLogin(): Promise<void>;
}

const NAME = 'tokenflight-demo-oauth';

export async function createOAuthDemoClient(log: DemoLog): Promise<OAuthDemoClient> {
  const config = (await (await fetch('/oauth.json')).json()) as OAuthConfig;
  const settings = { slowRefresh: false };
  const send = loggingFetch(log, settings);
  const op = oauth({
    issuer: config.issuer,
    clientId: config.clientId,
    clientMetadata: { id_token_signed_response_alg: 'ES256' },
    redirectUri: config.redirectUri,
    scope: config.scope,
    // The key pair lives in IndexedDB: every tab and every reload signs with it.
    dpop: true,
    resource: config.resource,
    // The demo's provider runs on plain http://127.0.0.1.
    allowInsecureRequests: true,
    onError: (error) => log.add('error', `provider: ${error instanceof Error ? error.message : String(error)}`),
  });

  const session = createAuthSession({
    storage: webStorage(localStorage, NAME),
    plugins: [op, crossTab({ name: NAME })],
    refreshMargin: 5_000,
    heartbeatInterval: 15_000,
    refresh: async (context) => {
      log.add('refresh', '⟳ refresh started: refresh_token grant at the provider, DPoP-signed');
      if (settings.slowRefresh) await new Promise((resolve) => setTimeout(resolve, SLOW_REFRESH_MS));
      return op.refresh(context);
    },
    heartbeat: heartbeatThrough(() => session.scheme, send),
  });
  // No scheme given: the session's, which op made DPoP (a fresh proof for every request).
  const authFetch = createAuthFetch(session, { fetch: send });
  // offline_access + prompt=consent is the OpenID Connect way to ask for a refresh token.
  const startLogin = () => op.loginWithRedirect({ prompt: 'consent', resource: config.resource });

  return {
    mode: 'oauth',
    session,
    authFetch,
    // The provider's counters: its refresh_token grants are this mode's refreshes.
    stats: { path: '/api/stats?of=extension', refreshes: 'refreshGrants' },
    startLogin,
    async completeLogin() {
      if (!op.hasLoginAnswer()) return;
      const { user } = await op.handleRedirectCallback(session);
      log.add('ok', `✓ logged in at the provider as ${user?.sub ?? 'someone (no ID token)'}`);
    },
    async login() {
      if (session.tokens && session.status !== 'expired') {
        // Logged in already: a refresh gives a token the API surely accepts.
        await session.refresh();
        return;
      }
      await startLogin();
      throw new Error('not logged in: off to the provider’s login page');
    },
    logout() {
      log.add('note', 'logout: tokenflight/oauth revokes the grant at the provider');
      session.logout();
      return Promise.resolve();
    },
    setSlowRefresh(on) {
      settings.slowRefresh = on;
    },
  };
}
