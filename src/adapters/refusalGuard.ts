import type { AuthSession } from '../createAuthSession.js';
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

/** Keeps one route that refuses everyone from costing a refresh per request. */
export interface RefusalGuard {
  /** A replay with `tokens` (the token the session answered after a 401) was refused with no reason given. */
  refusedOnReplay(tokens: TokenSet): void;
  /** Whether a reasonless refusal of `tokens` goes back to the caller as it is, instead of refreshing; counts it. */
  holds(tokens: TokenSet): boolean;
}

interface Suspect {
  accessToken: string;
  since: number;
  held: number;
}

function createRefusalGuard(session: AuthSession): RefusalGuard {
  // Only the latest suspect matters: a new token replaces it (kept here, never logged or shown).
  let suspect: Suspect | null = null;
  return {
    refusedOnReplay(tokens) {
      if (suspect?.accessToken === tokens.accessToken) return;
      suspect = { accessToken: tokens.accessToken, since: Date.now(), held: 0 };
    },
    holds(tokens) {
      if (suspect?.accessToken !== tokens.accessToken) return false;
      // A token already replaced costs no refresh: its replay with the current one goes ahead.
      if (session.tokens?.accessToken !== tokens.accessToken) return false;
      if (suspect.held < REFUSAL_HOLD_COUNT && Date.now() - suspect.since < REFUSAL_HOLD_MS) {
        suspect.held += 1;
        return true;
      }
      suspect = null;
      return false;
    },
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
