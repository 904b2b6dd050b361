import { InvalidRefreshAnswerError } from './errors/InvalidRefreshAnswerError.js';
import { OAuthConfigurationError } from './errors/OAuthConfigurationError.js';
import { RefreshRejectedError } from './errors/RefreshRejectedError.js';

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
  // The client retries at once with the nonce the server gave (the oauth plugin does).
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
      ? cause.map((challenge) => (isObject(challenge) ? codeOfBody(challenge.parameters) : undefined)).find((code) => code !== undefined)
      : oauthErrorCode(cause, depth + 1))
  );
}

/**
 * Classifies a refresh failure: tokenflight's own errors first, then the OAuth error code
 * (RFC 6749 §5.2) when the error carries one, else the HTTP status: 400, 401 and 403 are
 * terminal, anything else (network errors, 5xx, timeouts) is transient.
 */
export function classifyRefreshError(error: unknown): RefreshFailureKind {
  if (error instanceof OAuthConfigurationError) return 'configuration';
  if (error instanceof RefreshRejectedError || error instanceof InvalidRefreshAnswerError) return 'terminal';
  if (!isObject(error)) return 'transient';
  const code = oauthErrorCode(error);
  if (code !== undefined && Object.hasOwn(OAUTH_CODES, code)) return OAUTH_CODES[code]!;
  // 400, 401 and 403: the request or the grant is refused; anything else may pass.
  const status = 'status' in error ? error.status : isObject(error.response) ? error.response.status : undefined;
  return status === 400 || status === 401 || status === 403 ? 'terminal' : 'transient';
}

/** The default `isTerminal`: true when a refresh failure ends the session (see `classifyRefreshError`). */
export function isTerminalError(error: unknown): boolean {
  return classifyRefreshError(error) !== 'transient';
}

/**
 * The session's rule: the app's `isTerminal` (default `isTerminalError`), except that an invalid
 * refresh answer always ends the session: retrying would present a refresh token the server may
 * already have rotated.
 */
export function refreshFailureRule(isTerminal: (error: unknown) => boolean = isTerminalError): (error: unknown) => boolean {
  return (error) => error instanceof InvalidRefreshAnswerError || isTerminal(error);
}
