import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';

/**
 * The authorization answer failed validation before any code exchange: an `iss` naming another
 * server (RFC 9207, a mix-up attack), no `code`, or parameters that may not be there. `cause` is
 * oauth4webapi's error.
 */
export class InvalidCallbackError extends TokenflightError {
  override readonly name = 'InvalidCallbackError';

  constructor(message: string, options?: CauseOptions) {
    super(`The authorization answer is invalid: ${message}`, options);
  }
}
