// The client side of the harness: gets initial tokens through the authorization
// code flow with PKCE (oauth4webapi for the protocol, plain fetch + a tiny
// cookie jar to click through oidc-provider's dev login/consent forms).
import * as oauth from 'oauth4webapi';
import { API_RESOURCE, API_SCOPE, SPA_CLIENT_ID, SPA_REDIRECT_URI } from './authorizationServer.js';

/** Anything that knows its issuer URL, e.g. the object startAuthorizationServer returns. */
export interface IssuerRef {
  issuer: string;
}

/** RFC 6749 §5.1 token endpoint answer, exactly as the server sent it. */
export interface RawTokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
  [parameter: string]: unknown;
}

export type RawRefreshResult =
  | { ok: true; status: number; tokens: RawTokenResponse }
  | { ok: false; status: number; error: string; error_description?: string };

export interface LoginOptions {
  /** Binds the tokens to this key (DPoP); a fresh DPoP handle is made for it. */
  dpopKeyPair?: CryptoKeyPair;
  /** Or pass a DPoP handle directly, to share its nonce cache with later calls. */
  dpop?: oauth.DPoPHandle;
  /** Resource indicator (RFC 8707); defaults to the test API. */
  resource?: string;
  /** The login typed into the form; becomes the token's `sub`. */
  login?: string;
}

export interface OAuthClientContext {
  metadata: oauth.AuthorizationServer;
  client: oauth.Client;
}

// The harness runs on plain http://127.0.0.1.
// eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated upstream only to stand out; see above
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const publicClient = oauth.None();

export async function discover(as: IssuerRef): Promise<OAuthClientContext> {
  const issuer = new URL(as.issuer);
  const metadata = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  return { metadata, client: { client_id: SPA_CLIENT_ID, id_token_signed_response_alg: 'ES256' } };
}

export async function loginWithCodeFlow(as: IssuerRef, options: LoginOptions = {}): Promise<RawTokenResponse> {
  const { metadata, client } = await discover(as);
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authorizationUrl = await buildAuthorizationUrl(metadata, codeVerifier, state, options.resource ?? API_RESOURCE);

  const callbackUrl = await walkInteractions(authorizationUrl, options.login ?? 'alice');
  const callbackParameters = oauth.validateAuthResponse(metadata, client, callbackUrl, state);

  const dpop = options.dpop ?? (options.dpopKeyPair ? oauth.DPoP(client, options.dpopKeyPair) : undefined);
  return withDpopNonceRetry(async () => {
    const response = await oauth.authorizationCodeGrantRequest(
      metadata,
      client,
      publicClient,
      callbackParameters,
      SPA_REDIRECT_URI,
      codeVerifier,
      { ...insecure, DPoP: dpop },
    );
    return readValidatedTokens(response, (r) => oauth.processAuthorizationCodeResponse(metadata, client, r));
  });
}

/** One refresh_token grant; protocol errors come back as values, not exceptions. */
export async function rawRefresh(
  as: IssuerRef,
  refreshToken: string,
  options: { dpop?: oauth.DPoPHandle } = {},
): Promise<RawRefreshResult> {
  const { metadata, client } = await discover(as);
  try {
    const tokens = await withDpopNonceRetry(async () => {
      const response = await oauth.refreshTokenGrantRequest(metadata, client, publicClient, refreshToken, {
        ...insecure,
        DPoP: options.dpop,
      });
      return readValidatedTokens(response, (r) => oauth.processRefreshTokenResponse(metadata, client, r));
    });
    return { ok: true, status: 200, tokens };
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) {
      return { ok: false, status: err.status, error: err.error, error_description: err.error_description };
    }
    throw err;
  }
}

/** RFC 7009 revocation through oauth4webapi; resolves once the server answered 200. */
export async function revokeToken(
  as: IssuerRef,
  token: string,
  hint: 'refresh_token' | 'access_token' = 'refresh_token',
): Promise<void> {
  const { metadata, client } = await discover(as);
  const response = await oauth.revocationRequest(metadata, client, publicClient, token, {
    ...insecure,
    additionalParameters: { token_type_hint: hint },
  });
  await oauth.processRevocationResponse(response);
}

async function buildAuthorizationUrl(
  metadata: oauth.AuthorizationServer,
  codeVerifier: string,
  state: string,
  resource: string,
): Promise<URL> {
  if (!metadata.authorization_endpoint) throw new Error('no authorization_endpoint in discovery');
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: SPA_CLIENT_ID,
    response_type: 'code',
    redirect_uri: SPA_REDIRECT_URI,
    // offline_access + prompt=consent is the OIDC way to ask for a refresh token.
    scope: `openid offline_access ${API_SCOPE}`,
    prompt: 'consent',
    resource,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

/**
 * Follows redirects by hand until the browser would land on the redirect_uri,
 * submitting the dev login and consent forms on the way.
 */
export async function walkInteractions(
  authorizationUrl: URL,
  login: string,
  redirectUri: string = SPA_REDIRECT_URI,
): Promise<URL> {
  const jar = new CookieJar();
  let next: { url: URL; form?: URLSearchParams } = { url: authorizationUrl };
  for (let hop = 0; hop < 20; hop += 1) {
    if (next.url.href.startsWith(redirectUri)) return next.url;
    const response = await jar.fetch(next.url, next.form);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      next = { url: new URL(location, next.url) };
      continue;
    }
    const page = await response.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (response.status !== 200 || !prompt) {
      throw new Error(
        `unexpected interaction answer ${response.status} at ${next.url.pathname}: ${page.slice(0, 300)}`,
      );
    }
    next = { url: next.url, form: interactionForm(prompt, login) };
  }
  throw new Error('authorization flow did not reach the redirect_uri');
}

function interactionForm(prompt: string, login: string): URLSearchParams {
  // The dev login form takes any login/password pair; consent takes just the prompt.
  return prompt === 'login' ? new URLSearchParams({ prompt, login, password: 'any' }) : new URLSearchParams({ prompt });
}

/** Just enough of a cookie jar for one host: keeps name=value, drops expired ones, ignores paths. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  async fetch(url: URL, form?: URLSearchParams): Promise<Response> {
    const headers = new Headers({ accept: 'text/html' });
    if (this.#cookies.size) headers.set('cookie', [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      body: form,
      headers,
      redirect: 'manual',
    });
    this.#store(response.headers.getSetCookie());
    return response;
  }

  #store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || attributes.some(isExpiry)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}

function isExpiry(attribute: string): boolean {
  const [key = '', value = ''] = attribute.split('=').map((s) => s.trim());
  if (key.toLowerCase() === 'max-age') return Number(value) <= 0;
  if (key.toLowerCase() === 'expires') return Date.parse(value) <= Date.now();
  return false;
}

/** Token endpoints answer `use_dpop_nonce` once when they want a (new) nonce: retry once. */
async function withDpopNonceRetry<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (oauth.isDPoPNonceError(err)) return attempt();
    throw err;
  }
}

// oauth4webapi validates the answer (and lowercases token_type); tests want the raw body.
async function readValidatedTokens(
  response: Response,
  validate: (response: Response) => Promise<oauth.TokenEndpointResponse>,
): Promise<RawTokenResponse> {
  const raw = response.clone();
  await validate(response);
  return (await raw.json()) as RawTokenResponse;
}
