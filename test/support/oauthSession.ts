// A real provider (test/oauth) and a tokenflight session wired the way an app wires it:
// `createAuthSession({ refresh: op.refresh, plugins: [op] })`, requests through the adapters.
import { afterEach } from 'vitest';
import {
  createAuthSession,
  memoryStorage,
  type AuthSession,
  type AuthSessionOptions,
  type TokenStorage,
} from 'tokenflight';
import { createAuthFetch, type AuthFetch } from 'tokenflight/fetch';
import {
  memoryKeyStore,
  oauth,
  type CodeExchangeAnswer,
  type DPoPKeyStore,
  type OAuthClient,
  type OAuthOptions,
} from 'tokenflight/oauth';
import { startAuthorizationServer, type AuthorizationServer } from '../oauth/authorizationServer.js';
import { startResourceServer, type ResourceServer } from '../oauth/resourceServer.js';
import { logIn } from './oauthLogin.js';

export type SchemeName = 'Bearer' | 'DPoP';

export interface WorldOptions {
  scheme: SchemeName;
  /** Access token lifetime at the provider, seconds. */
  accessTokenTtl: number;
  /** Hands the first token over with an expiry an hour away: the session learns it died only from 401s. */
  expiryUnknownToSession?: boolean;
  session?: Omit<AuthSessionOptions, 'refresh' | 'plugins' | 'tokens' | 'storage'>;
  oauth?: Partial<OAuthOptions>;
}

/** Both servers demand DPoP nonces when the scheme is DPoP. */
export interface World {
  as: AuthorizationServer;
  rs: ResourceServer;
  op: OAuthClient;
  keyStore: DPoPKeyStore;
  storage: TokenStorage;
  session: AuthSession;
  authFetch: AuthFetch;
  /** The session's `refreshed` and `refreshFailed` events, in order. */
  events: string[];
  login: CodeExchangeAnswer;
  api: string;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Past the provider's expiry of a 2 s token (exp is in whole seconds). */
export const pastServerExpiry = () => sleep(3_100);

export function useOAuthWorlds() {
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    await Promise.allSettled(
      closers
        .splice(0)
        .reverse()
        .map((close) => close()),
    );
  });

  function client(
    as: AuthorizationServer,
    scheme: SchemeName,
    keyStore: DPoPKeyStore,
    extra: Partial<OAuthOptions> = {},
  ): OAuthClient {
    return oauth({
      issuer: as.issuer,
      clientId: 'spa',
      clientMetadata: { id_token_signed_response_alg: 'ES256' },
      dpop: scheme === 'DPoP' ? { keyStore } : false,
      allowInsecureRequests: true,
      ...extra,
    } as OAuthOptions);
  }

  /** A session over `storage` (a reload: a new session object, the same storage and key store). */
  function sessionOf(
    op: OAuthClient,
    storage: TokenStorage,
    options: WorldOptions['session'] = {},
    tokens?: AuthSessionOptions['tokens'],
  ) {
    const session = createAuthSession({ ...options, refresh: op.refresh, plugins: [op], storage, tokens });
    closers.push(() => session.stop());
    const events: string[] = [];
    session.on('refreshed', () => events.push('refreshed'));
    session.on('refreshFailed', () => events.push('refreshFailed'));
    return { session, events };
  }

  async function start(options: WorldOptions): Promise<World> {
    const as = await startAuthorizationServer({ accessTokenTtl: options.accessTokenTtl });
    closers.push(as.close);
    const rs = await startResourceServer({ issuer: as, dpop: { requireNonce: options.scheme === 'DPoP' } });
    closers.push(rs.close);
    const keyStore = memoryKeyStore();
    const op = client(as, options.scheme, keyStore, options.oauth);
    const login = await logIn(op);
    const tokens = options.expiryUnknownToSession
      ? {
          accessToken: login.access_token,
          refreshToken: login.refresh_token,
          tokenType: login.token_type,
          expiresAt: Date.now() + 3_600_000,
        }
      : login;
    const storage = memoryStorage();
    const { session, events } = sessionOf(op, storage, options.session, tokens);
    const authFetch = createAuthFetch(session, { origins: [rs.url] });
    return { as, rs, op, keyStore, storage, session, authFetch, events, login, api: `${rs.url}/api/data` };
  }

  return { start, client, sessionOf };
}
