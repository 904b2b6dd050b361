import * as o4w from 'oauth4webapi';
import { IdTokenMismatchError } from '../../domain/errors/IdTokenMismatchError.js';
import { RefreshRejectedError } from '../../domain/errors/RefreshRejectedError.js';
import type { OAuthTokenResponse, TokenSet } from '../../domain/tokens.js';
import type { PluginHost, PluginParts, SessionPlugin } from '../session/plugin.js';
import type { RefreshContext } from '../session/sessionOptions.js';
import { browserOf, type BrowserOptions } from './browser.js';
import { exchangeAuthorizationCode } from './codeExchange.js';
import { userRecordOf } from './callback.js';
import { createDPoP, type DPoPOptions, type DPoPState } from './dpop.js';
import { dpopScheme } from './dpopScheme.js';
import type { FlowContext } from './flowContext.js';
import { loginCalls, type LoginCalls } from './loginCalls.js';
import { pendingLogins, type PendingLogin } from './pendingLogins.js';
import { isOAuthTerminalError, oauthErrorParts } from './refreshErrors.js';
import { revokeTokens } from './revocation.js';
import { serverMetadata, type ServerLocation } from './serverMetadata.js';
import { asRefreshFailure, requestTokens } from './tokenEndpoint.js';
import { createTransport } from './transport.js';
import { createUserStore } from './userStore.js';
import { validateOptions } from './validateOptions.js';

export type OAuthOptions = ServerLocation &
  BrowserOptions & {
    clientId: string;
    /** Where the provider sends the browser back after a login: a page that calls `handleRedirectCallback` (or `handlePopupCallback`). */
    redirectUri?: string;
    /** The scope every login asks for. Default `'openid'`; add `offline_access` for a refresh token where the server wants it. */
    scope?: string;
    /** Push every authorization request (RFC 9126). Default: only when the server or the client's registration requires it. */
    pushedAuthorizationRequests?: boolean;
    /** Where the provider sends the browser after `logoutAtProvider`; it must be registered with the client. */
    postLogoutRedirectUri?: string;
    /** More client metadata for oauth4webapi (e.g. `id_token_signed_response_alg`). */
    clientMetadata?: Omit<o4w.Client, 'client_id'>;
    /** How the client authenticates at the token endpoint. Default `None()`: a public client (an SPA). */
    clientAuth?: o4w.ClientAuth;
    /** Sender-constrained tokens (RFC 9449). Default off: Bearer. */
    dpop?: boolean | DPoPOptions;
    /** Resource indicator (RFC 8707) sent with every refresh. */
    resource?: string;
    /** Default: the global fetch at call time. */
    fetch?: typeof globalThis.fetch;
    /** Allows `http:` server URLs. Development and tests only. */
    allowInsecureRequests?: boolean;
    /** Longest wait for discovery and for the logout's revocation, ms. Default 10 000. */
    timeout?: number;
    /** Hears what failed in the background (a logout's revocation); the logout itself went ahead. */
    onError?: (error: unknown) => void;
  };

/** The redirect back from the authorization endpoint, and what the app kept before sending the user there. */
export interface CodeCallback {
  callbackUrl: URL;
  expectedState: string;
  codeVerifier: string;
  redirectUri: string;
  /** The OpenID Connect `nonce` sent in the authorization request, if any. */
  expectedNonce?: string;
}

/**
 * The token endpoint's validated answer (RFC 6749 §5.1, snake_case), as `login` and `refresh`
 * take it. oauth4webapi lowercases `token_type` ('bearer', 'dpop'); compare it case-insensitively.
 */
export type CodeExchangeAnswer = OAuthTokenResponse & {
  /** The OpenID Connect ID token, its claims validated by oauth4webapi (not its signature). */
  readonly id_token?: string;
};

/** A session plugin (DPoP scheme, revocation on logout, the user), the `refresh` for `createAuthSession`, and the login and logout calls. */
export interface OAuthClient extends SessionPlugin, LoginCalls {
  /**
   * `createAuthSession({ refresh: op.refresh, plugins: [op] })`. An answer it cannot use is an
   * InvalidRefreshAnswerError: the session expires rather than present the refresh token again.
   * @throws TokenEndpointError (a refusal, or a server error: see its `error` and `status`)
   */
  refresh: (context: RefreshContext) => Promise<OAuthTokenResponse>;
  /**
   * The authorization code grant with PKCE (and DPoP) at the token endpoint: tokens for
   * `createAuthSession({ tokens })` or `session.login`. @throws TokenEndpointError
   */
  exchangeCode(callback: CodeCallback): Promise<CodeExchangeAnswer>;
  /**
   * The server's metadata (discovered once), e.g. for `authorization_endpoint`.
   * @throws DiscoveryError (unreachable, timed out, malformed, 5xx: may pass) or
   * OAuthConfigurationError (a 404, another issuer, no token endpoint: fix the configuration)
   */
  metadata(): Promise<o4w.AuthorizationServer>;
  readonly client: o4w.Client;
  readonly clientAuth: o4w.ClientAuth;
  /** The DPoP handle for the app's own oauth4webapi calls (same key as refreshes); undefined without DPoP. */
  dpop(): Promise<o4w.DPoPHandle | undefined>;
  /** RFC 7009 revocation of the session's grant, as the logout runs it. @throws RevocationError */
  revoke(tokens: TokenSet): Promise<void>;
}

export function oauth(options: OAuthOptions): OAuthClient {
  const settings = validateOptions(options);
  const client: o4w.Client = { ...options.clientMetadata, client_id: options.clientId };
  const clientAuth = options.clientAuth ?? o4w.None();
  const dpop: DPoPState | undefined = settings.dpop ? createDPoP(settings.dpop, client) : undefined;
  const transport = createTransport({
    fetch: options.fetch,
    allowInsecureRequests: options.allowInsecureRequests ?? false,
    timeout: settings.timeout,
    // Token endpoint nonces: the handle keeps them too, this only keeps one map for all origins.
    observe: (response, url) => dpop?.observe(response.headers, url),
  });
  const metadata = serverMetadata(options, transport);
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A failing error listener must not turn a best-effort cleanup into an unhandled rejection.
    }
  };
  const revoke = (tokens: TokenSet) => revokeTokens({ metadata, client, clientAuth, transport }, tokens);
  const user = createUserStore();
  const exchangeParts = { metadata: () => metadata(), client, clientAuth, transport, dpop, timeout: settings.timeout };

  async function refresh({ refreshToken, signal }: RefreshContext): Promise<OAuthTokenResponse> {
    if (!refreshToken)
      throw new RefreshRejectedError('tokenflight/oauth: the session holds no refresh token to present');
    const server = await metadata(signal);
    const handle = await dpop?.handle();
    const additionalParameters = options.resource ? { resource: options.resource } : undefined;
    return requestTokens(
      () =>
        o4w.refreshTokenGrantRequest(server, client, clientAuth, refreshToken, {
          ...transport.options,
          DPoP: handle,
          signal,
          additionalParameters,
        }),
      async (response) => {
        const answer = await o4w.processRefreshTokenResponse(server, client, response);
        const record = userRecordOf(answer);
        // Checked against the session's user (OpenID Connect Core §12.2) before the session takes the tokens.
        if (record) user.refreshed(record);
        return answer;
      },
    ).catch((error: unknown) => {
      throw asRefreshFailure(error);
    });
  }

  async function exchangeCode(callback: CodeCallback): Promise<CodeExchangeAnswer> {
    const server = await metadata();
    const parameters = o4w.validateAuthResponse(server, client, callback.callbackUrl, callback.expectedState);
    return exchangeAuthorizationCode(exchangeParts, parameters, callback);
  }

  // The latest logout's revocation, which `logoutAtProvider` waits for before the browser leaves.
  let revocation: Promise<void> = Promise.resolve();
  function loggedOut(tokens: TokenSet): void {
    // Fire and forget: the logout already happened here; the server hears about it when it can.
    revocation = revoke(tokens).catch(report);
    dpop?.reset().catch(report);
  }

  const context: FlowContext = {
    ...exchangeParts,
    browser: browserOf(options),
    pending: pendingLogins(() => context.browser.loginStorage(), `tokenflight:login:${options.clientId}`),
    user,
    defaults: {
      redirectUri: options.redirectUri,
      scope: options.scope ?? 'openid',
      pushedAuthorizationRequests: options.pushedAuthorizationRequests ?? false,
      postLogoutRedirectUri: options.postLogoutRedirectUri,
    },
  };
  const calls = loginCalls(context, {
    exchange: (parameters, pending: PendingLogin) =>
      exchangeAuthorizationCode(exchangeParts, parameters, {
        codeVerifier: pending.codeVerifier,
        redirectUri: pending.redirectUri,
        expectedNonce: pending.nonce,
      }),
    revocation: () => revocation,
  });

  const parts: PluginParts = {
    ...oauthErrorParts,
    // An ID token for someone else came with new tokens: the old refresh token is spent, so the session ends.
    isTerminal: (error) => error instanceof IdTokenMismatchError || isOAuthTerminalError(error),
    loggedOut,
    connect: (actor) => user.connect(actor),
  };
  return {
    ...calls,
    // A spread reads a getter once: this one stays live.
    get user() {
      return calls.user;
    },
    name: 'oauth',
    setup(host: PluginHost): PluginParts {
      user.useStorage(host.storage);
      // Its own refresh failures are read by their OAuth error codes, as `oauthErrors()` reads an app's.
      return dpop ? { ...parts, scheme: dpopScheme(dpop) } : parts;
    },
    refresh,
    exchangeCode,
    metadata: () => metadata(),
    client,
    clientAuth,
    dpop: async () => dpop?.handle(),
    revoke,
  };
}
