import { InvalidRefreshAnswerError } from '../domain/errors/InvalidRefreshAnswerError.js';
import { InvalidTokenError } from '../domain/errors/InvalidTokenError.js';
import { OAuthConfigurationError } from '../domain/errors/OAuthConfigurationError.js';
import { classifyRefreshError, oauthErrorCode } from '../domain/isTerminalError.js';
import { receiveTokens, type TokenInput } from '../domain/tokens.js';
import type { RefreshContext } from './sessionOptions.js';
import type { RefreshAttempt } from './plugin.js';

/** A refusal of the client itself becomes an OAuthConfigurationError, so `expired` says what to fix. */
function asConfigurationError(error: unknown): unknown {
  if (error instanceof OAuthConfigurationError || classifyRefreshError(error) !== 'configuration') return error;
  return new OAuthConfigurationError(oauthErrorCode(error) ?? 'invalid_client', { cause: error });
}

/**
 * One refresh attempt: the user's `refresh`, its answer validated into the tokens the session
 * holds. The expiry counts from when the request was sent (see `receiveTokens`), so a late answer
 * is not taken for a fresh one. A malformed answer is an InvalidRefreshAnswerError, which ends the
 * session: the server may have rotated the refresh token already.
 */
export function createRefreshAttempt(refresh: (context: RefreshContext) => Promise<TokenInput>, now: () => number): RefreshAttempt {
  return async ({ tokens: previous }, signal) => {
    const sentAt = now();
    let answer: TokenInput;
    try {
      answer = await refresh({ refreshToken: previous?.refreshToken ?? null, tokens: previous, signal });
    } catch (error) {
      throw asConfigurationError(error);
    }
    try {
      return receiveTokens(answer, { sentAt, receivedAt: now() }, previous);
    } catch (error) {
      throw error instanceof InvalidTokenError ? new InvalidRefreshAnswerError(error) : error;
    }
  };
}
