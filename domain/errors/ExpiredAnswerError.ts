import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';
/**
 * Every refresh answer of a round was already past its expiry when it arrived (a server that
 * issues dead tokens, or answers that keep arriving late). The waiters get this rather than a
 * token the server would refuse.
 */
export class ExpiredAnswerError extends TokenflightError {
  override readonly name = 'ExpiredAnswerError';
  constructor(message = 'The refresh answer arrived already expired', options?: CauseOptions) {
    super(message, options);
  }
}
