import type { TokenSet } from '../../domain/tokens.js';

/** Anything with a `set(name, value)`: fetch's Headers, axios's AxiosHeaders. */
export interface HeaderSetter {
  set(name: string, value: string): unknown;
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

/** `Authorization: Bearer <access token>` (RFC 6750). */
export const bearerScheme: TokenScheme = {
  authorize(request, tokens) {
    request.headers.set('Authorization', `Bearer ${tokens.accessToken}`);
  },
};
