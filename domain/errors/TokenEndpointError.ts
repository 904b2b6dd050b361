import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';

/**
 * The authorization server refused a token request or answered one with something unusable.
 * `error` is the OAuth error code (RFC 6749 §5.2: `invalid_grant`, `invalid_client`...) when the
 * server sent one, `status` the HTTP status when known; the session reads both to tell a dead
 * grant (4xx: the session expires) from a passing failure (5xx: retried). `cause` is
 * oauth4webapi's error, or a copy of it without the response body when that body held tokens.
 */
export class TokenEndpointError extends TokenflightError {
  override readonly name = 'TokenEndpointError';
  readonly status: number | undefined;
  readonly error: string | undefined;

  constructor(message: string, options: CauseOptions & { status?: number; error?: string } = {}) {
    super(message, options);
    this.status = options.status;
    this.error = options.error;
  }
}
