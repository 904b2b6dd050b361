import { createAuthGate, type AdapterOptions, type AuthGate, type Grant } from '../adapters/authGate.js';
import type { AuthSession } from '../createAuthSession.js';
import { pageBase } from '../origins.js';
import type { TokenSet } from '../../domain/tokens.js';

export interface AuthFetchOptions extends AdapterOptions {
  /** The fetch to wrap. Default: the global fetch at call time (so test mocks apply). */
  fetch?: typeof globalThis.fetch;
  /** Narrows which requests to allowed origins get a token; it can never widen the allow-list. */
  shouldAuthorize?: (request: Request) => boolean;
  /** What counts as "the token was refused". Default: status 401. */
  isUnauthorized?: (response: Response) => boolean;
  /** How the token goes on the request. Default: `Authorization: Bearer <accessToken>`. */
  applyToken?: ApplyToken;
}

export type AuthFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
export type ApplyToken = (headers: Headers, tokens: TokenSet) => void;

/** Anything with a `set(name, value)`: fetch's Headers, axios's AxiosHeaders. */
export interface HeaderSetter {
  set(name: string, value: string): unknown;
}

export function bearer(headers: HeaderSetter, tokens: TokenSet): void {
  headers.set('Authorization', `Bearer ${tokens.accessToken}`);
}

/** The access token `bearer` put on a request, or null. */
export function bearerToken(headers: Headers): string | null {
  const match = /^Bearer (.+)$/.exec(headers.get('Authorization') ?? '');
  return match?.[1] ?? null;
}

export function isStatus401(response: { status: number }): boolean {
  return response.status === 401;
}

/** A copy of `request` carrying the token; `request` itself is left untouched, though its body moves over. */
export function withToken(request: Request, tokens: TokenSet, applyToken: ApplyToken = bearer): Request {
  const headers = new Headers(request.headers);
  applyToken(headers, tokens);
  return new Request(request, { headers });
}

/** How a fetch-shaped adapter talks to the network and reads the answer. */
export interface FetchExchange {
  gate: AuthGate;
  send: (request: Request) => Promise<Response>;
  isUnauthorized: (response: Response) => boolean;
  applyToken: ApplyToken;
}

type SendWith = (tokens: TokenSet) => Promise<Response>;

/** After a refused token: one more send with the token the session hands out now. */
async function retryOnce(
  exchange: FetchExchange,
  sendWith: SendWith,
  usedAccessToken: string,
  refused: Response,
  signal: AbortSignal | undefined,
): Promise<Response> {
  // Dropped as it arrives, while the refresh is still out, so the replays are not held behind it.
  void refused.body?.cancel().catch(() => undefined);
  const next = await exchange.gate.regrant(usedAccessToken, signal);
  // One replay only: a second 401 goes back to the caller as it is.
  return exchange.gate.send(next, () => sendWith(next.tokens), signal);
}

/** After a refused token: one replay of `request` with the token the session hands out now. */
export function replayRefused(exchange: FetchExchange, request: Request, usedAccessToken: string, refused: Response): Promise<Response> {
  const sendWith: SendWith = (tokens) => exchange.send(withToken(request, tokens, exchange.applyToken));
  return retryOnce(exchange, sendWith, usedAccessToken, refused, request.signal);
}

/** Sends `request` with the granted token, and replays it once if the token is refused. */
export async function sendAuthorized(exchange: FetchExchange, request: Request, grant: Grant): Promise<Response> {
  // Keep a copy of the body before the first send consumes it, so the replay sends it intact.
  const replay = request.body === null ? request : request.clone();
  const response = await exchange.gate.send(grant, () => exchange.send(withToken(request, grant.tokens, exchange.applyToken)), request.signal);
  if (!exchange.isUnauthorized(response)) return response;
  return replayRefused(exchange, replay, grant.tokens.accessToken, response);
}

const isStream = (body: unknown) => typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;

/**
 * `fetch` with the session's token: attached only for allowed origins, one refresh for any
 * number of concurrent 401s, and one replay of the request with the new token.
 */
export function createAuthFetch(session: AuthSession, options: AuthFetchOptions = {}): AuthFetch {
  const shouldAuthorize = options.shouldAuthorize;
  const rawFetch: AuthFetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  const exchange: FetchExchange = {
    gate: createAuthGate(session, options),
    send: (request) => rawFetch(request),
    isUnauthorized: options.isUnauthorized ?? isStatus401,
    applyToken: options.applyToken ?? bearer,
  };

  return async function authFetch(input, init) {
    // A Request input or a streamed body (which only a Request can copy for the replay) goes
    // through a Request we own.
    if (input instanceof Request || isStream(init?.body)) {
      const request = new Request(input, init);
      // A guest, or a session that ended: public routes keep working, protected ones answer 401 as is.
      if (!exchange.gate.covers(new URL(request.url)) || (shouldAuthorize && !shouldAuthorize(request))) return exchange.send(request);
      return sendAuthorized(exchange, request, await exchange.gate.grant(request.signal));
    }
    // A URL stays a URL, so fetch builds the one Request it always builds: copying Requests cost
    // more than the rest of a call.
    const url = new URL(input, pageBase());
    if (!exchange.gate.covers(url) || (shouldAuthorize && !shouldAuthorize(new Request(url, init)))) return rawFetch(input, init);
    const signal = init?.signal ?? undefined;
    const sendWith: SendWith = (tokens) => {
      const headers = new Headers(init?.headers);
      exchange.applyToken(headers, tokens);
      return rawFetch(input, { ...init, headers });
    };
    const grant = await exchange.gate.grant(signal);
    const response = await exchange.gate.send(grant, () => sendWith(grant.tokens), signal);
    if (!exchange.isUnauthorized(response)) return response;
    return retryOnce(exchange, sendWith, grant.tokens.accessToken, response, signal);
  };
}
