import type { TokenSet } from '../../domain/tokens.js';
import type { AuthGate } from './authGate.js';
import { challengeErrors } from '../session/challenges.js';
import type { IncomingResponse, Refusal } from '../session/scheme.js';

/** One authorized request, and how its adapter reads the answers (a fetch Response, an axios outcome). */
export interface Exchange<A> {
  readonly gate: AuthGate;
  readonly signal?: AbortSignal | undefined;
  /** Whether the answer refuses the token (`isUnauthorized`; default status 401). */
  refused(answer: A): boolean;
  /** The answer as a scheme sees it; null when there is none (a network error). */
  describe(answer: A): IncomingResponse | null;
  /** Drops an answer that is followed up (its body is not read). */
  discard(answer: A): void;
  /** Sends the request again with `tokens` (the scheme puts them on), in a replay slot. */
  resend(tokens: TokenSet): Promise<A>;
}

export const isStatus401 = (response: { status: number }): boolean => response.status === 401;

// Shared, never changed: the hot path allocates nothing.
const NOTHING_TRIED: readonly Refusal[] = [];

/**
 * The one place every adapter decides what an answer to an authorized request (sent with
 * `used`) means: handed back (accepted, or refused for a reason a token does not fix), sent
 * again with the same token (`retry`), or replayed once with the token the session answers
 * after reporting the refusal (`refresh`). `tried` holds what the request did already: at most
 * one retry and one replay. Synchronous when the answer is final, so the hot path adds no await.
 */
export function settle<A>(exchange: Exchange<A>, answer: A, used: TokenSet, tried = NOTHING_TRIED): A | Promise<A> {
  const { scheme, holdsRefusal } = exchange.gate;
  const refused = exchange.refused(answer);
  // The hot path: an accepted answer and a scheme that does not observe answers.
  if (!refused && !scheme.observe) return answer;
  const response = exchange.describe(answer);
  if (!response) return answer;
  scheme.observe?.(response);
  if (!refused) return answer;
  const refusal = scheme.classify?.(response) ?? 'refresh';
  if (!['refresh', 'retry', 'pass'].includes(refusal)) {
    throw new TypeError(`tokenflight: classify answered ${refusal}, not refresh, retry or pass`);
  }
  // A refusal that says why (`invalid_token`) is always believed; one that does not may come
  // from a route that refuses everyone, which no refresh fixes: the storm guard decides.
  const reasonless = refusal === 'refresh' && !challengeErrors(response)[0];
  const again = tried.includes(refusal);
  if ((reasonless && holdsRefusal(used, again)) || again || refusal === 'pass') return answer;
  return sendAgain(exchange, answer, used, refusal, [...tried, refusal]);
}

async function sendAgain<A>(
  exchange: Exchange<A>,
  answer: A,
  used: TokenSet,
  step: Refusal,
  tried: readonly Refusal[],
): Promise<A> {
  // Dropped as it arrives, while the refresh is still out, so the replays are not held behind it.
  exchange.discard(answer);
  const tokens = step === 'retry' ? used : await exchange.gate.regrant(used.accessToken, exchange.signal);
  return settle(exchange, await exchange.resend(tokens), tokens, tried);
}
