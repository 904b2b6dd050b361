import { InvalidRefreshAnswerError } from './errors/InvalidRefreshAnswerError.js';
import { RefreshRejectedError } from './errors/RefreshRejectedError.js';

/**
 * The default `isTerminal`: true when a refresh failure ends the session. A RefreshRejectedError
 * or an invalid answer does; otherwise the HTTP status (`error.status` or `error.response.status`)
 * decides: 400, 401 and 403 refuse the request or the grant, anything else (network errors, 5xx,
 * timeouts) may pass. OAuth error codes (RFC 6749 §5.2) are read by `oauthErrors()` from
 * `tokenflight/oauth`.
 */
export function isTerminalError(error: unknown): boolean {
  if (error instanceof RefreshRejectedError || error instanceof InvalidRefreshAnswerError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { status, response } = error as { status?: unknown; response?: { status?: unknown } | null };
  const code = status ?? response?.status;
  return code === 400 || code === 401 || code === 403;
}

/**
 * The session's rule: `isTerminal` (the app's, or the plugins' opinions before `isTerminalError`),
 * except that an invalid refresh answer always ends the session: retrying would present a
 * refresh token the server may already have rotated.
 */
export function refreshFailureRule(isTerminal: (error: unknown) => boolean): (error: unknown) => boolean {
  return (error) => error instanceof InvalidRefreshAnswerError || isTerminal(error);
}
