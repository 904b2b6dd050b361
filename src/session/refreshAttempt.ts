import { InvalidRefreshAnswerError } from '../../domain/errors/InvalidRefreshAnswerError.js';
import { InvalidTokenError } from '../../domain/errors/InvalidTokenError.js';
import { receiveTokens, type TokenInput } from '../../domain/tokens.js';
import type { RefreshContext } from './sessionOptions.js';
import type { RefreshAttempt } from './plugin.js';

/**
 * One refresh attempt: the user's `refresh`, its answer validated into the tokens the session
 * holds. The expiry counts from when the request was sent (see `receiveTokens`), so a late answer
 * is not taken for a fresh one. A malformed answer is an InvalidRefreshAnswerError, which ends the
 * session: the server may have rotated the refresh token already.
 */
export function createRefreshAttempt(
  refresh: (context: RefreshContext) => Promise<TokenInput>,
  now: () => number,
): RefreshAttempt {
  return async ({ tokens: previous }, signal) => {
    const sentAt = now();
    const answer = await refresh({ refreshToken: previous?.refreshToken ?? null, tokens: previous, signal });
    try {
      return receiveTokens(answer, { sentAt, receivedAt: now() }, previous);
    } catch (error) {
      throw error instanceof InvalidTokenError ? new InvalidRefreshAnswerError(error) : error;
    }
  };
}
