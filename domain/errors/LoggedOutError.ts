import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';

/** There is no session: the user is logged out, or logged out while the caller waited. */
export class LoggedOutError extends TokenflightError {
  override readonly name = 'LoggedOutError';
  constructor(message = 'The session is logged out', options?: CauseOptions) {
    super(message, options);
  }
}
