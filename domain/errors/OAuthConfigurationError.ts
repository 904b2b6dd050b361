import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';
/**
 * The authorization server refused the client itself (RFC 6749 §5.2 `invalid_client` or
 * `unauthorized_client`): a wrong client id, secret, authentication method or allowed grant; or
 * (`error: 'invalid_discovery'`) discovery can never succeed: a 404, another issuer, no token
 * endpoint. No retry or new login fixes it; the app's configuration must change. `cause` is the
 * server's error, or the DiscoveryError.
 */
export class OAuthConfigurationError extends TokenflightError {
  override readonly name = 'OAuthConfigurationError';
  /** The OAuth error code. */
  readonly error: string;

  /** `message`: what to fix, when it is not the client (a discovery that can never succeed). */
  constructor(error: string, options?: CauseOptions & { message?: string }) {
    super(
      options?.message ??
        `The authorization server refused this client (${error}): check its client id, credentials and grant types`,
      options,
    );
    this.error = error;
  }
}
