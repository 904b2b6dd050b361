import * as o4w from 'oauth4webapi';
import type { FlowContext } from './flowContext.js';
import { shown } from '../session/optionChecks.js';

/** What one login asks the authorization server for, on top of the client's defaults. */
export interface LoginOptions {
  /** Any JSON value, handed back by the callback (e.g. the route to return to). */
  appState?: unknown;
  /** Default: the client's `redirectUri`. */
  redirectUri?: string;
  /** Default: the client's `scope` (`'openid'`). */
  scope?: string;
  /** OpenID Connect `prompt`: `'login'`, `'consent'`, `'select_account'`, `'create'`. */
  prompt?: string;
  loginHint?: string;
  uiLocales?: string;
  acrValues?: string;
  /** Resource indicator(s) (RFC 8707). */
  resource?: string | string[];
  /** Push this request (RFC 9126). Default: when the client's option or the server's metadata asks. */
  pushedAuthorizationRequest?: boolean;
  /** More authorization request parameters, sent as they are. */
  parameters?: Record<string, string>;
}

/** The OpenID Connect request parameters (Core §3.1.2.1) the login takes by name. */
const namedParameters = (options: LoginOptions) => ({
  prompt: options.prompt,
  login_hint: options.loginHint,
  ui_locales: options.uiLocales,
  acr_values: options.acrValues,
});

/**
 * Builds the authorization request (RFC 6749 §4.1.1 with PKCE S256, `state`, OpenID Connect
 * `nonce`, `dpop_jkt` under DPoP, RFC 9449 §10) and keeps what its answer needs in this tab.
 * Pushed (RFC 9126) when the server requires it, the client is registered so, or the app asks;
 * the browser then carries only `client_id` and `request_uri`.
 */
export async function authorizationRequest(
  context: FlowContext,
  options: LoginOptions = {},
): Promise<{ url: URL; state: string }> {
  checkLoginOptions(options);
  const server = await context.metadata();
  if (!server.authorization_endpoint) {
    throw new TypeError('tokenflight/oauth: the server announces no authorization_endpoint; login needs an issuer');
  }
  const redirectUri = options.redirectUri ?? context.defaults.redirectUri;
  if (redirectUri === undefined) {
    throw new TypeError('tokenflight/oauth: redirectUri must be given to oauth() or to the login call, got undefined');
  }
  const codeVerifier = o4w.generateRandomCodeVerifier();
  const state = o4w.generateRandomState();
  const nonce = o4w.generateRandomNonce();
  const parameters = new URLSearchParams({
    response_type: 'code',
    client_id: context.client.client_id,
    redirect_uri: redirectUri,
    scope: options.scope ?? context.defaults.scope,
    state,
    nonce,
    code_challenge: await o4w.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  for (const [name, value] of Object.entries(namedParameters(options))) {
    if (value !== undefined) parameters.set(name, value);
  }
  for (const resource of [options.resource ?? []].flat()) parameters.append('resource', resource);
  for (const [name, value] of Object.entries(options.parameters ?? {})) parameters.set(name, value);
  const handle = await context.dpop?.handle();
  if (handle) parameters.set('dpop_jkt', await handle.calculateThumbprint());

  context.pending.add(state, {
    codeVerifier,
    nonce,
    redirectUri,
    appState: options.appState ?? null,
    startedAt: Date.now(),
  });
  const url = new URL(server.authorization_endpoint);
  if (!pushes(context, server, options)) {
    url.search = parameters.toString();
    return { url, state };
  }
  const response = await o4w.pushedAuthorizationRequest(server, context.client, context.clientAuth, parameters, {
    ...context.transport.options,
    DPoP: handle,
    signal: AbortSignal.timeout(context.timeout),
  });
  const pushed = await o4w.processPushedAuthorizationResponse(server, context.client, response);
  url.search = new URLSearchParams({ client_id: context.client.client_id, request_uri: pushed.request_uri }).toString();
  return { url, state };
}

function pushes(context: FlowContext, server: o4w.AuthorizationServer, options: LoginOptions): boolean {
  return (
    options.pushedAuthorizationRequest ??
    (context.defaults.pushedAuthorizationRequests ||
      server.require_pushed_authorization_requests === true ||
      context.client.require_pushed_authorization_requests === true)
  );
}

function checkLoginOptions(options: LoginOptions): void {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`tokenflight/oauth: login options must be an object, got ${shown(options)}`);
  }
  const { redirectUri, scope, prompt, loginHint, uiLocales, acrValues } = options;
  const texts: Record<string, unknown> = { redirectUri, scope, prompt, loginHint, uiLocales, acrValues };
  for (const [name, value] of Object.entries(texts)) {
    if (value !== undefined && typeof value !== 'string') {
      throw new TypeError(`tokenflight/oauth: ${name} must be a string, got ${typeof value}`);
    }
  }
  const resources: unknown[] = [options.resource ?? []].flat();
  if (!resources.every((resource) => typeof resource === 'string' && URL.canParse(resource))) {
    throw new TypeError(
      `tokenflight/oauth: resource must be an absolute URI or a list of them, got ${shown(options.resource)}`,
    );
  }
  const parameters: unknown = options.parameters ?? {};
  if (
    typeof parameters !== 'object' ||
    parameters === null ||
    !Object.values(parameters).every((v) => typeof v === 'string')
  ) {
    throw new TypeError(`tokenflight/oauth: parameters must be an object of strings, got ${shown(options.parameters)}`);
  }
  const par: unknown = options.pushedAuthorizationRequest;
  if (par !== undefined && typeof par !== 'boolean') {
    throw new TypeError(`tokenflight/oauth: pushedAuthorizationRequest must be a boolean, got ${typeof par}`);
  }
  // JSON.stringify gives undefined (not typed so) for a function or a symbol.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- see above
  if (options.appState !== undefined && JSON.stringify(options.appState) === undefined) {
    throw new TypeError('tokenflight/oauth: appState must be a JSON value, got a function or symbol');
  }
}
