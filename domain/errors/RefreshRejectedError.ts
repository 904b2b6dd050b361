import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';

/** Throw from `refresh` when the server refused the refresh token: the session expires, no retry. */
export class RefreshRejectedError extends TokenflightError {
  override readonly name = 'RefreshRejectedError';
  declare readonly status: number | undefined;

  constructor(message = 'The refresh token was rejected', options?: CauseOptions & { status?: number }) {
    super(message, options);
    this.status = options?.status;
  }
}
