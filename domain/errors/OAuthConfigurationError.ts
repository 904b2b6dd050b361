import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';
/**
 * The authorization server refused the client itself (RFC 6749 §5.2 `invalid_client` or
 * `unauthorized_client`): a wrong client id, secret, authentication method or allowed grant. No
 * retry or new login fixes it; the app's configuration must change. `cause` is the server's error.
 */
export class OAuthConfigurationError extends TokenflightError {
  override readonly name = 'OAuthConfigurationError';
  /** The OAuth error code. */
  readonly error: string;

  constructor(error: string, options?: CauseOptions) {
    super(
      `The authorization server refused this client (${error}): check its client id, credentials and grant types`,
      options,
    );
    this.error = error;
  }
}
