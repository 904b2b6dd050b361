/**
 * The server side of the demo's "OAuth 2.0 + DPoP" mode: oidc-provider as the authorization
 * server on its own loopback port (server/oauth/authorizationServer.ts, the one the tests run),
 * and the demo API's resource routes accepting its DPoP-bound access tokens through the same
 * token guard as the tests' resource server.
 */
import {
  API_RESOURCE,
  API_SCOPE,
  SPA_CLIENT_ID,
  startAuthorizationServer,
  type AuthorizationServer,
} from '../server/oauth/authorizationServer.js';
import { Challenge, challengeHeader, createTokenGuard, type TokenGuard } from '../server/oauth/tokenGuard.js';
import type { AuthExtension } from '../server/createAuthHttpServer.js';

/** What the page needs to log in: served as /oauth.json. */
export interface DemoOAuthConfig {
  issuer: string;
  clientId: string;
  resource: string;
  scope: string;
  redirectUri: string;
}

export interface DemoOAuth {
  extension: AuthExtension;
  /** Starts the provider, which sends browsers back to `pageUrl`'s OAuth mode. */
  start(pageUrl: string, accessTtl: number): Promise<void>;
  config(): DemoOAuthConfig | null;
  close(): Promise<void>;
}

interface Live {
  as: AuthorizationServer;
  guard: TokenGuard;
  config: DemoOAuthConfig;
}

export function createDemoOAuth(): DemoOAuth {
  let live: Live | undefined;
  let unauthorized = 0;

  const extension: AuthExtension = {
    async authorize(req) {
      if (!live || !/^dpop /i.test(req.headers.authorization ?? '')) return null;
      try {
        const { claims } = await live.guard.authenticate(req);
        return { ok: true, claims: { sub: claims.sub, exp: claims.exp } };
      } catch (error) {
        if (!(error instanceof Challenge)) throw error;
        unauthorized += 1;
        return { ok: false, reason: error.reason, challenge: challengeHeader(error) };
      }
    },
    stats(): Record<string, number> {
      if (!live) return {};
      const { codeGrants, refreshGrants, revocations, reuseDetected } = live.as.counters;
      return {
        codeGrants,
        refreshGrants,
        reuseDetected,
        revocations,
        // The demo API's refusals of DPoP requests.
        unauthorized,
      };
    },
    async debug(action) {
      if (!live) return;
      if (action === 'expire') await expireAccessTokens(live.guard);
      else await live.as.revokeAllGrants();
    },
  };

  return {
    extension,
    async start(pageUrl, accessTtl) {
      const redirectUri = `${pageUrl}/?mode=oauth`;
      const as = await startAuthorizationServer({ accessTokenTtl: accessTtl, redirectUris: [redirectUri] });
      const scope = `openid offline_access ${API_SCOPE}`;
      live = {
        as,
        guard: createTokenGuard({ issuer: as }),
        config: { issuer: as.issuer, clientId: SPA_CLIENT_ID, resource: API_RESOURCE, scope, redirectUri },
      };
    },
    config: () => live?.config ?? null,
    close: async () => live?.as.close(),
  };
}

/**
 * The provider's JWT access tokens cannot be recalled, so the API refuses every one issued before
 * the next full second and answers once that second began: a refresh that follows is never
 * mistaken for an old token.
 */
async function expireAccessTokens(guard: TokenGuard): Promise<void> {
  const cutoff = Math.floor(Date.now() / 1000) + 1;
  await new Promise((resolve) => setTimeout(resolve, cutoff * 1000 - Date.now()));
  guard.expireIssuedBefore(cutoff);
}
