import { receiveTokens, type TokenInput } from '../domain/tokens.js';
import type { RefreshContext } from './sessionOptions.js';
import type { RefreshAttempt } from './plugin.js';

/** One refresh attempt: the user's `refresh`, its answer validated into the tokens the session holds. */
export function createRefreshAttempt(refresh: (context: RefreshContext) => Promise<TokenInput>, now: () => number): RefreshAttempt {
  return async (input, signal) => {
    const previous = input.tokens?.refreshToken ?? null;
    const answer = await refresh({ refreshToken: previous, tokens: input.tokens, signal });
    return receiveTokens(answer, now(), previous);
  };
}
