// A real OAuth 2.0 / OIDC authorization server for tests and the demo: oidc-provider 9 on
// 127.0.0.1:<random port>, one public SPA client, rotating refresh tokens,
// JWT access tokens for one resource, DPoP (with nonces) and RFC 7009 revocation.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type OidcError } from 'oidc-provider';
import providerInternals from 'oidc-provider/lib/helpers/weak_cache.js';

export const SPA_CLIENT_ID = 'spa';
export const SPA_REDIRECT_URI = 'http://127.0.0.1/cb';
/** A client id whose tokens carry no API audience, so the UserInfo endpoint takes them (register it with `spaClient`). */
export const USERINFO_CLIENT_ID = 'spa-userinfo';
/** Where RP-Initiated Logout may send the browser back to (registered with the `spa` client). */
export const SPA_POST_LOGOUT_REDIRECT_URI = 'http://127.0.0.1/logged-out';
/** Resource indicator (RFC 8707) of the test API; also the `aud` of its access tokens. */
export const API_RESOURCE = 'urn:tokenflight:api';
export const API_SCOPE = 'api:read';

export interface ClientMetadata {
  client_id: string;
  [key: string]: unknown;
}

export interface AuthorizationServerOptions {
  /** Access token lifetime in seconds (default 2). */
  accessTokenTtl?: number;
  /** Whether the token endpoint demands a server nonce in DPoP proofs (default true). */
  dpopRequireNonce?: boolean;
  /** Replaces the default `spa` client. */
  clients?: ClientMetadata[];
  /** Whether every refresh rotates the refresh token, with reuse detection (default true). */
  rotateRefreshTokens?: boolean;
  /** The `spa` client's redirect URIs (default [SPA_REDIRECT_URI]), e.g. a page's own URL in a browser. */
  redirectUris?: string[];
}

export interface AuthorizationServerCounters {
  /** Successful refresh_token grants. */
  refreshGrants: number;
  /** Successful authorization_code grants. */
  codeGrants: number;
  /** Refresh requests that presented an already rotated refresh token. */
  reuseDetected: number;
  /** 'grant.revoked' events (reuse detection, RFC 7009 revocation of a refresh token). */
  grantsRevoked: number;
  /** Revocation endpoint requests answered 200. */
  revocations: number;
  /** Token endpoint answers `use_dpop_nonce`. */
  nonceChallenges: number;
  /** Every token endpoint error code, in order. */
  tokenErrors: string[];
}

export interface AuthorizationServer {
  issuer: string;
  url: string;
  provider: Provider;
  counters: AuthorizationServerCounters;
  /** The DPoP nonce the token endpoint currently accepts. */
  currentDpopNonce(): string;
  /** Makes a new token-endpoint DPoP nonce; the previous one is refused from now on. */
  rotateDpopNonce(): void;
  /** Revokes the grant behind a refresh token (all its refresh/access tokens), as an admin or a logout elsewhere would. */
  revokeGrantOf(refreshToken: string): Promise<void>;
  /** Revokes every grant made so far: no refresh token issued until now works any more. */
  revokeAllGrants(): Promise<void>;
  close(): Promise<void>;
}

export async function startAuthorizationServer(options: AuthorizationServerOptions = {}): Promise<AuthorizationServer> {
  const accessTokenTtl = options.accessTokenTtl ?? 2;
  const dpopRequireNonce = options.dpopRequireNonce ?? true;

  // The issuer must be known before the provider exists, so bind the port first.
  const server = createServer();
  await listenOnLoopback(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signingKey = await signingJwk();
  const provider = withoutDevOnlyWarnings(
    () =>
      new Provider(url, {
        clients: options.clients ?? [spaClient(options.redirectUris ?? [SPA_REDIRECT_URI])],
        clientDefaults: { id_token_signed_response_alg: 'ES256' },
        jwks: { keys: [signingKey] },
        cookies: { keys: [randomBytes(32).toString('base64url')] },
        scopes: ['openid', 'offline_access', API_SCOPE],
        findAccount: anyAccount,
        // Public clients get refresh tokens whether or not offline_access survived consent.
        issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
          client.grantTypeAllowed('refresh_token'),
        // Every refresh rotates; presenting a rotated token again revokes the whole grant.
        rotateRefreshToken: options.rotateRefreshTokens ?? true,
        // A browser test serves its page from another loopback port.
        clientBasedCORS: (_ctx: unknown, origin: string) => isLoopbackOrigin(origin),
        // Explicit lifetimes (seconds) also keep oidc-provider from nagging about defaults.
        ttl: {
          AccessToken: accessTokenTtl,
          RefreshToken: 3600,
          Grant: 3600,
          Session: 3600,
          Interaction: 600,
          IdToken: 3600,
        },
        features: {
          devInteractions: { enabled: true },
          // A client may revoke only its own tokens (the default, made explicit to skip its notice).
          revocation: {
            enabled: true,
            allowedPolicy: (_ctx: unknown, client: ClientRef, token: ClientRef) => token.clientId === client.clientId,
          },
          dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => dpopRequireNonce },
          resourceIndicators: {
            enabled: true,
            // The userinfo client's tokens are for the UserInfo endpoint: no API audience.
            defaultResource: (_ctx: unknown, client: ClientRef) =>
              client.clientId === USERINFO_CLIENT_ID ? undefined : API_RESOURCE,
            // Refresh grants without `resource` still get a JWT for the API.
            useGrantedResource: () => true,
            getResourceServerInfo: (_ctx: unknown, indicator: string) => apiResourceServer(indicator, accessTokenTtl),
          },
        },
      }),
  );

  const nonces = installRotatingDpopNonces(provider);
  const counters = countEvents(provider);
  const grantIds = new Set<string>();
  provider.on('grant.saved', (grant) => grantIds.add((grant as { jti: string }).jti));
  server.on('request', provider.callback());

  return {
    issuer: url,
    url,
    provider,
    counters,
    currentDpopNonce: () => nonces.nextChallenge(),
    rotateDpopNonce: () => nonces.rotate(),
    revokeGrantOf: (refreshToken) => revokeGrantOf(provider, refreshToken),
    revokeAllGrants: async () => {
      const ids = [...grantIds];
      grantIds.clear();
      await Promise.all(ids.map((id) => revokeGrant(provider, id)));
    },
    close: () => closeServer(server),
  };
}

interface ClientRef {
  clientId: string;
}

const DEV_ONLY_WARNING = /^oidc-provider WARNING: a quick start development-only/;

/** Every Provider warns that the in-memory adapter and dev interactions are dev-only: known, and noise in test output. */
function withoutDevOnlyWarnings<T>(construct: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] !== 'string' || !DEV_ONLY_WARNING.test(args[0])) warn(...args);
  };
  try {
    return construct();
  } finally {
    console.warn = warn;
  }
}

/** The `spa` client's registration (a public client); `more` adds or replaces metadata, e.g. another client_id. */
export function spaClient(redirectUris: string[], more: Partial<ClientMetadata> = {}): ClientMetadata {
  return {
    client_id: SPA_CLIENT_ID,
    post_logout_redirect_uris: [SPA_POST_LOGOUT_REDIRECT_URI],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: redirectUris,
    ...more,
  };
}

async function signingJwk(): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: randomUUID() };
}

// Any login is an account; its id is the login.
function anyAccount(_ctx: unknown, accountId: string) {
  return { accountId, claims: () => ({ sub: accountId }) };
}

function apiResourceServer(indicator: string, accessTokenTtl: number) {
  if (indicator !== API_RESOURCE) {
    throw new errors.InvalidTarget(`unknown resource ${indicator}`);
  }
  return {
    scope: API_SCOPE,
    audience: API_RESOURCE,
    accessTokenTTL: accessTokenTtl,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'ES256' } },
  };
}

export function isLoopbackOrigin(origin: string | undefined): origin is string {
  return typeof origin === 'string' && /^http:\/\/127\.0\.0\.1(:\d+)?$/.test(origin);
}

function countEvents(provider: Provider): AuthorizationServerCounters {
  const counters: AuthorizationServerCounters = {
    refreshGrants: 0,
    codeGrants: 0,
    reuseDetected: 0,
    grantsRevoked: 0,
    revocations: 0,
    nonceChallenges: 0,
    tokenErrors: [],
  };
  provider.on('grant.success', (ctx) => {
    const grantType = ctx.oidc?.params?.grant_type;
    if (grantType === 'refresh_token') counters.refreshGrants += 1;
    if (grantType === 'authorization_code') counters.codeGrants += 1;
  });
  provider.on('grant.error', (_ctx, err) => countTokenError(counters, err));
  provider.on('grant.revoked', () => {
    counters.grantsRevoked += 1;
  });
  // oidc-provider emits no success event for revocation: look at the answer.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'revocation' && ctx.status === 200) counters.revocations += 1;
  });
  return counters;
}

function countTokenError(counters: AuthorizationServerCounters, err: OidcError): void {
  counters.tokenErrors.push(err.error);
  if (err.error === 'use_dpop_nonce') counters.nonceChallenges += 1;
  // The refresh_token grant's own (server-side only) wording when a consumed, rotated token comes back.
  if (err.error === 'invalid_grant' && err.error_detail === 'refresh token already used') {
    counters.reuseDetected += 1;
  }
}

interface NonceSource {
  nextChallenge(): string;
  checkChallenge(nonce: string): boolean;
}

/**
 * oidc-provider derives DPoP nonces from a 60 s time step and accepts ±2 steps,
 * with no public way to force a new one. Tests need "the nonce changed now",
 * so replace its internal nonce source with one that changes on demand and
 * accepts only the current value.
 */
function installRotatingDpopNonces(provider: Provider): NonceSource & { rotate(): void } {
  const internals = providerInternals(provider);
  if (!internals || !isNonceSource(internals.DPoPNonces)) {
    throw new Error('oidc-provider internals changed: no DPoPNonces to replace');
  }
  let current = randomBytes(32).toString('base64url');
  const nonces = {
    nextChallenge: () => current,
    checkChallenge: (nonce: string) => nonce === current,
    rotate: () => {
      current = randomBytes(32).toString('base64url');
    },
  };
  internals.DPoPNonces = nonces;
  return nonces;
}

function isNonceSource(value: unknown): value is NonceSource {
  return typeof (value as NonceSource | undefined)?.nextChallenge === 'function';
}

async function revokeGrantOf(provider: Provider, refreshToken: string): Promise<void> {
  const token = await provider.RefreshToken.find(refreshToken, { ignoreExpiration: true });
  if (!token) throw new Error('revokeGrantOf: unknown refresh token');
  await revokeGrant(provider, token.grantId);
}

async function revokeGrant(provider: Provider, grantId: string): Promise<void> {
  await Promise.all([
    provider.AccessToken.revokeByGrantId(grantId),
    provider.RefreshToken.revokeByGrantId(grantId),
    provider.AuthorizationCode.revokeByGrantId(grantId),
    provider.Grant.adapter.destroy(grantId),
  ]);
}

export function listenOnLoopback(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // fetch keeps connections alive; don't wait for them to idle out.
    server.closeAllConnections();
  });
}
