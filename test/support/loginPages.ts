// An app's page loads against a real oidc-provider: each load a new `oauth()` client and session
// over one tab (address bar, history, sessionStorage) and one localStorage, as a reload makes them.
import { afterEach } from 'vitest';
import { createAuthSession, webStorage, type AuthSession, type AuthSessionOptions } from 'tokenflight';
import { oauth, type OAuthClient, type OAuthOptions } from 'tokenflight/oauth';
import {
  SPA_REDIRECT_URI,
  startAuthorizationServer,
  type AuthorizationServer,
  type ClientMetadata,
} from '../oauth/authorizationServer.js';
import type { MapStorage } from './mapStorage.js';
import type { appTab } from './providerBrowser.js';

export type AppTab = ReturnType<typeof appTab>;

export function useLoginPages() {
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    await Promise.allSettled(closers.splice(0).map((close) => close()));
  });

  async function provider(clients?: ClientMetadata[], accessTokenTtl = 60): Promise<AuthorizationServer> {
    const as = await startAuthorizationServer({ accessTokenTtl, clients });
    closers.push(as.close);
    return as;
  }

  /** One page load of the app in `tab`; `local` stands in for localStorage. */
  function pageLoad(
    as: AuthorizationServer,
    tab: AppTab,
    local: MapStorage,
    extra: Partial<OAuthOptions> = {},
    session: Omit<AuthSessionOptions, 'refresh'> = {},
  ): { op: OAuthClient; session: AuthSession } {
    const op = oauth({
      issuer: as.issuer,
      clientId: 'spa',
      clientMetadata: { id_token_signed_response_alg: 'ES256' },
      redirectUri: SPA_REDIRECT_URI,
      scope: 'openid offline_access api:read',
      allowInsecureRequests: true,
      location: tab.location,
      history: tab.history,
      loginStorage: tab.loginStorage,
      ...extra,
    } as OAuthOptions);
    const created = createAuthSession({
      refresh: op.refresh,
      storage: webStorage(local),
      ...session,
      plugins: [op, ...(session.plugins ?? [])],
    });
    closers.push(() => created.stop());
    return { op, session: created };
  }

  return { provider, pageLoad, onClose: (close: () => unknown) => closers.push(close) };
}
