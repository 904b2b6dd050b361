import { TokenflightError } from './TokenflightError.js';
/** A token set without a string `accessToken`, given to `login` or returned by `refresh`. It is never stored. */
export class InvalidTokenError extends TokenflightError {
  override readonly name = 'InvalidTokenError';
  constructor(message = 'accessToken must be a non-empty string') {
    super(message);
  }
}
