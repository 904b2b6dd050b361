import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';

/** The session ended: the refresh token was rejected, so the user must log in again. */
export class SessionExpiredError extends TokenflightError {
  override readonly name = 'SessionExpiredError';
  constructor(message = 'The session has expired; log in again', options?: CauseOptions) {
    super(message, options);
  }
}
