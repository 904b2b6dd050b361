import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';

/**
 * A refresh round just failed (retries ran out) and the session holds off for `failureCooldown`
 * before presenting the same refresh token again; `cause` is the error the round failed with.
 * `session.refresh()` tries at once regardless.
 */
export class RefreshCooldownError extends TokenflightError {
  override readonly name = 'RefreshCooldownError';
  declare readonly cooldown: number;

  constructor(cooldown: number, options?: CauseOptions) {
    super(`The refresh failed; retry after the ${cooldown} ms cooldown`, options);
    this.cooldown = cooldown;
  }
}
