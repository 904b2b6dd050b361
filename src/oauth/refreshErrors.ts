import { OAuthConfigurationError } from '../../domain/errors/OAuthConfigurationError.js';
import { isTerminalError } from '../../domain/isTerminalError.js';
import type { PluginParts, SessionPlugin } from '../session/plugin.js';

/** What a failed refresh means for the session. */
export type RefreshFailureKind =
  /** The refresh token (or the request) is dead: the session expires. */
  | 'terminal'
  /** Terminal, and the client itself is misconfigured (`invalid_client`, `unauthorized_client`). */
  | 'configuration'
  /** Try again later: network errors, 5xx, timeouts, `temporarily_unavailable`, `use_dpop_nonce`. */
  | 'transient';

/** RFC 6749 §5.2 error codes (and RFC 9449's `use_dpop_nonce`) by what they mean here. */
const OAUTH_CODES: Readonly<Record<string, RefreshFailureKind>> = {
  invalid_grant: 'terminal',
  invalid_request: 'terminal',
  invalid_scope: 'terminal',
  unsupported_grant_type: 'terminal',
  invalid_client: 'configuration',
  unauthorized_client: 'configuration',
  // The client retries at once with the nonce the server gave (tokenflight/oauth's refresh does).
  use_dpop_nonce: 'transient',
  temporarily_unavailable: 'transient',
  server_error: 'transient',
};

/** How deep the `cause` chain is searched for an OAuth error code. */
const MAX_CAUSE_DEPTH = 5;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `{ error: 'invalid_grant', … }`: an OAuth error body. */
function codeOfBody(body: unknown): string | undefined {
  return isObject(body) && typeof body.error === 'string' ? body.error : undefined;
}

/**
 * The OAuth error code an error carries: `error.error` (oauth4webapi's ResponseBodyError), a body
 * on `error.body`, a WWW-Authenticate challenge's `error` parameter (oauth4webapi's
 * WWWAuthenticateChallengeError keeps the challenges in `cause`), or the same on a `cause`.
 */
export function oauthErrorCode(error: unknown, depth = 0): string | undefined {
  if (!isObject(error) || depth > MAX_CAUSE_DEPTH) return undefined;
  const { cause } = error;
  return (
    codeOfBody(error) ??
    codeOfBody(error.body) ??
    (Array.isArray(cause)
      ? cause
          .map((challenge) => (isObject(challenge) ? codeOfBody(challenge.parameters) : undefined))
          .find((code) => code !== undefined)
      : oauthErrorCode(cause, depth + 1))
  );
}

/**
 * Classifies a refresh failure by its OAuth error code (RFC 6749 §5.2) when it carries one, else
 * by the core's rule (`isTerminalError`: tokenflight's own errors, then the HTTP status).
 */
export function classifyRefreshError(error: unknown): RefreshFailureKind {
  if (error instanceof OAuthConfigurationError) return 'configuration';
  const code = oauthErrorCode(error);
  const kind = code === undefined || !Object.hasOwn(OAUTH_CODES, code) ? undefined : OAUTH_CODES[code];
  if (kind) return kind;
  return isTerminalError(error) ? 'terminal' : 'transient';
}

/** Whether a refresh failure ends the session, by its OAuth error code first (see `classifyRefreshError`). */
export function isOAuthTerminalError(error: unknown): boolean {
  return classifyRefreshError(error) !== 'transient';
}

/** A refusal of the client itself becomes an OAuthConfigurationError, so `expired` says what to fix. */
function asConfigurationError(error: unknown): unknown {
  if (error instanceof OAuthConfigurationError || classifyRefreshError(error) !== 'configuration') return error;
  return new OAuthConfigurationError(oauthErrorCode(error) ?? 'invalid_client', { cause: error });
}

/** The parts of `oauthErrors()`, which the `oauth()` client's plugin carries too. */
export const oauthErrorParts = {
  isTerminal: isOAuthTerminalError,
  refresh: (input, signal, attempt) =>
    attempt(input, signal).catch((error: unknown) => {
      throw asConfigurationError(error);
    }),
} satisfies Pick<PluginParts, 'isTerminal' | 'refresh'>;

/**
 * Refresh failures read as RFC 6749 §5.2 says, for an app that writes its own `refresh` (with
 * oauth4webapi or by hand): `createAuthSession({ refresh, plugins: [oauthErrors()] })`.
 * `invalid_grant` ends the session, `invalid_client` / `unauthorized_client` end it with an
 * OAuthConfigurationError, `use_dpop_nonce`, `temporarily_unavailable` and `server_error` are
 * retried; errors without a code fall back to the core's status rule. The `oauth()` client
 * does the same for its own refreshes.
 */
export function oauthErrors(): SessionPlugin {
  return { name: 'oauthErrors', setup: () => oauthErrorParts };
}
