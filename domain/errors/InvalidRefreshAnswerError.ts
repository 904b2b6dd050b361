import { TokenflightError } from './TokenflightError.js';
import type { InvalidTokenError } from './InvalidTokenError.js';

/**
 * `refresh` resolved with something that is not a token set. The server may already have rotated
 * the refresh token, so presenting it again could look like reuse: the session expires instead of
 * retrying. `cause` is the InvalidTokenError naming the field (never a value).
 */
export class InvalidRefreshAnswerError extends TokenflightError {
  override readonly name = 'InvalidRefreshAnswerError';
  declare readonly cause: InvalidTokenError;

  constructor(cause: InvalidTokenError) {
    super(`Invalid refresh answer: ${cause.message}`, { cause });
  }
}
