import type { TokenSet } from '../../domain/tokens.js';
import { classifyChallenge } from './challenges.js';

/** Anything with a `set(name, value)`: fetch's Headers, axios's AxiosHeaders. */
export interface HeaderSetter {
  set(name: string, value: string): void;
}

/** A request about to go out, as every adapter describes it to a token scheme. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: HeaderSetter;
}

/** An answer to an authorized request, as every adapter describes it to a token scheme. */
export interface IncomingResponse {
  readonly status: number;
  /** The URL the request was sent to. */
  readonly url: URL;
  readonly headers: { get(name: string): string | null };
}

/**
 * What a refused request (a 401) means:
 * - `refresh`: the token is no good (expired, revoked): report it, replay once with the next one;
 * - `retry`: the token is fine but the request must be sent again as it is (a new DPoP nonce);
 * - `pass`: not about the token (insufficient scope, a route that refuses anyone): hand it back.
 */
export type Refusal = 'refresh' | 'retry' | 'pass';

/** Puts the token on a request. May be async (a DPoP proof is signed per request). */
export type Authorize = (request: OutgoingRequest, tokens: TokenSet) => void | Promise<void>;

/**
 * How tokens go on requests and how refusals are read: Bearer by default, cookie+CSRF and DPoP
 * are other schemes. The session carries one (a plugin may provide it); every adapter uses it.
 */
export interface TokenScheme {
  authorize: Authorize;
  /** Sees every answer to an authorized request (a DPoP scheme keeps the server's nonce). */
  observe?(response: IncomingResponse): void;
  /** What a refused answer means; absent: every refusal is `refresh`. */
  classify?(response: IncomingResponse): Refusal;
}

/**
 * A scheme that puts `valueOf(tokens)` (default: the access token) in the header `name`, and
 * reads refusals by their `WWW-Authenticate` challenge (`classifyChallenge`). Cookie sessions:
 * `headerScheme('X-CSRF-Token')`, the CSRF value kept as the access token.
 */
export function headerScheme(
  name: string,
  valueOf: (tokens: TokenSet) => string = (tokens) => tokens.accessToken,
): TokenScheme {
  return {
    authorize(request, tokens) {
      request.headers.set(name, valueOf(tokens));
    },
    classify: classifyChallenge,
  };
}

/**
 * `Authorization: Bearer <access token>` (RFC 6750); refusals read by their challenge (§3).
 * A literal, not `headerScheme(…)`: an app that never calls headerScheme does not bundle it.
 */
export const bearerScheme: TokenScheme = {
  authorize(request, tokens) {
    request.headers.set('Authorization', `Bearer ${tokens.accessToken}`);
  },
  classify: classifyChallenge,
};

/**
 * Runs `then` once the scheme has authorized `request`: at once when `authorize` returned
 * nothing (no await on the hot path), after its promise otherwise.
 */
export function authorizeThen<T>(
  scheme: TokenScheme,
  request: OutgoingRequest,
  tokens: TokenSet,
  then: () => T,
): T | Promise<Awaited<T>> {
  // An arrow such as `(r, t) => r.headers.set(…)` returns whatever `set` returns: only a thenable is awaited.
  const pending = scheme.authorize(request, tokens) as Partial<PromiseLike<void>> | undefined;
  return typeof pending?.then === 'function' ? (Promise.resolve(pending).then(then) as Promise<Awaited<T>>) : then();
}

/**
 * The method as fetch sends it: the standard ones uppercased, others as given (RFC 9110 §9.1).
 * An uppercase one is sent as it is; any other is rare, and a Request says how fetch sends it
 * (as fetch itself would, it throws for a method fetch refuses).
 */
export const sentMethod = (method = 'GET'): string =>
  method === method.toUpperCase() ? method : new Request('http://x', { method }).method;
