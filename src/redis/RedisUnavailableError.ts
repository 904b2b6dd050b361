import type { CauseOptions } from '../../domain/errors/causeOptions.js';
import { TokenflightError } from '../../domain/errors/TokenflightError.js';

/**
 * A Redis command failed or took longer than `commandTimeout`: the refresh it guarded did not
 * start (no instance refreshes without the lock), so the refresh token was not presented. `cause`
 * is the client's error, when there was one.
 */
export class RedisUnavailableError extends TokenflightError {
  override readonly name = 'RedisUnavailableError';

  constructor(reason: string, options?: CauseOptions) {
    super(`Redis is unavailable: ${reason}`, options);
  }
}
