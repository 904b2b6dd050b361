import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';

/**
 * The authorization server answered the login with an error (RFC 6749 §4.1.2.1), e.g.
 * `access_denied` when the user refused consent or `login_required` for `prompt=none`. `error` is
 * the OAuth error code, `errorDescription` the server's text when it sent one. No code was
 * exchanged; the session stays as it was.
 */
export class AuthorizationError extends TokenflightError {
  override readonly name = 'AuthorizationError';
  /** The OAuth error code. */
  readonly error: string;
  readonly errorDescription: string | undefined;

  constructor(error: string, errorDescription?: string, options?: CauseOptions) {
    super(
      `The authorization server refused the login: ${error}${errorDescription ? ` (${errorDescription})` : ''}`,
      options,
    );
    this.error = error;
    this.errorDescription = errorDescription;
  }
}
