import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';

/**
 * Revoking a token at logout failed (RFC 7009). Only ever reported (`onError`): the logout
 * itself went ahead. `status` is the HTTP status when the server answered; `cause` the reason.
 */
export class RevocationError extends TokenflightError {
  override readonly name = 'RevocationError';
  readonly status: number | undefined;

  constructor(message: string, options: CauseOptions & { status?: number } = {}) {
    super(message, options);
    this.status = options.status;
  }
}
