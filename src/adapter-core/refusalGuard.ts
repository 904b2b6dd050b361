import type { AuthSession } from '../session/createAuthSession.js';
import type { TokenSet } from '../../domain/tokens.js';

/**
 * The refusal storm guard's bound: once a token was refused, with no reason given, on its own
 * replay right after the refresh that made it (a route that refuses everyone), further such
 * refusals of that token go back to the caller without a refresh — at most this many of them,
 * and for at most `REFUSAL_HOLD_MS`; the next one is refreshed again. So a token that really
 * was revoked is replaced after at most 10 refused requests or 30 s.
 */
export const REFUSAL_HOLD_COUNT = 10;
export const REFUSAL_HOLD_MS = 30_000;

/**
 * Keeps one route that refuses everyone from costing a refresh per request: whether a refusal of
 * `tokens` with no reason given goes back to the caller as it is, instead of refreshing; counts
 * it. `replayed`: it refused the replay with the token the session answered after a 401, which
 * makes that token a suspect (and always goes back: one replay only).
 */
export type RefusalGuard = (tokens: TokenSet, replayed: boolean) => boolean;

interface Suspect {
  accessToken: string;
  /** Until when, and how many more, of its reasonless refusals go back without a refresh. */
  until: number;
  left: number;
}

function createRefusalGuard(session: AuthSession): RefusalGuard {
  // Only the latest suspect matters: a new token replaces it (kept here, never logged or shown).
  let suspect: Suspect | null = null;
  return ({ accessToken }, replayed) => {
    if (replayed) {
      if (suspect?.accessToken !== accessToken)
        suspect = { accessToken, until: Date.now() + REFUSAL_HOLD_MS, left: REFUSAL_HOLD_COUNT };
      return true;
    }
    // A token already replaced costs no refresh: its replay with the current one goes ahead.
    if (suspect?.accessToken !== accessToken || session.tokens?.accessToken !== accessToken) return false;
    if (suspect.left > 0 && Date.now() < suspect.until) return suspect.left-- > 0;
    suspect = null;
    return false;
  };
}

// One guard per session, shared by every adapter made for it.
const guards = new WeakMap<AuthSession, RefusalGuard>();

export function refusalGuardFor(session: AuthSession): RefusalGuard {
  let guard = guards.get(session);
  if (!guard) {
    guard = createRefusalGuard(session);
    guards.set(session, guard);
  }
  return guard;
}
