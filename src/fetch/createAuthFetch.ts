import type { AuthSession } from '../createAuthSession.js';
import { createOriginAllowList, pageBase } from '../origins.js';
import type { TokenSet } from '../tokens.js';

export interface AuthFetchOptions {
  /** The fetch to wrap. Default: the global fetch at call time (so test mocks apply). */
  fetch?: typeof globalThis.fetch;
  /** Exact origins that receive the token. Default: the page's origin in a browser, none elsewhere. */
  origins?: readonly string[];
  /** Narrows which requests to allowed origins get a token; it can never widen the allow-list. */
  shouldAuthorize?: (request: Request) => boolean;
  /** What counts as "the token was refused". Default: status 401. */
  isUnauthorized?: (response: Response) => boolean;
  /** How the token goes on the request. Default: `Authorization: Bearer <accessToken>`. */
  applyToken?: (headers: Headers, tokens: TokenSet) => void;
}

export type AuthFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export function bearer(headers: Headers, tokens: TokenSet): void {
  headers.set('Authorization', `Bearer ${tokens.accessToken}`);
}

/** In place: the adapter owns `request`; copying a Request (and its signal) cost more than the rest of a call. */
function withToken(request: Request, tokens: TokenSet, applyToken: (headers: Headers, tokens: TokenSet) => void): Request {
  applyToken(request.headers, tokens);
  return request;
}

/** A caller that aborts its request stops waiting for a token too. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const isStream = (body: unknown) => typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;

/**
 * `fetch` with the session's token: attached only for allowed origins, one refresh for any
 * number of concurrent 401s, and one replay of the request with the new token.
 */
export function createAuthFetch(session: AuthSession, options: AuthFetchOptions = {}): AuthFetch {
  const isAllowed = createOriginAllowList(options.origins);
  const shouldAuthorize = options.shouldAuthorize;
  const isUnauthorized = options.isUnauthorized ?? ((response: Response) => response.status === 401);
  const applyToken = options.applyToken ?? bearer;
  const send: AuthFetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  // A guest, or a session that ended: public routes keep working, protected ones answer 401 as is.
  const hasSession = () => session.status !== 'loggedOut' && session.status !== 'expired';

  /** Sends with the token, and once more with the next one if the server refused it. */
  async function authorized(sendWith: (tokens: TokenSet) => Promise<Response>, signal: AbortSignal | null | undefined) {
    const tokens = await untilAborted(session.getToken(), signal);
    const response = await sendWith(tokens);
    if (!isUnauthorized(response)) return response;

    // Dropped as it arrives, while the refresh is still out: cancelling every refused body only
    // once the new token is there delayed all the replays behind it.
    void response.body?.cancel().catch(() => undefined);
    const next = await untilAborted(session.unauthorized(tokens.accessToken), signal);
    // One replay only: a second 401 goes back to the caller as it is.
    return sendWith(next);
  }

  return async function authFetch(input, init) {
    // A URL stays a URL, so fetch builds the one Request it always builds. A Request input or a
    // streamed body (which only a Request can copy for the replay) goes through a Request we own.
    if (input instanceof Request || isStream(init?.body)) {
      const request = new Request(input, init);
      if (!isAllowed(new URL(request.url)) || (shouldAuthorize && !shouldAuthorize(request)) || !hasSession()) return send(request);
      // Keep a copy of the body before the first send consumes it, so the replay sends it intact.
      const replay = request.body === null ? request : request.clone();
      let sent = 0;
      return authorized((tokens) => send(withToken(sent++ === 0 ? request : replay, tokens, applyToken)), request.signal);
    }
    const url = new URL(input, pageBase());
    if (!isAllowed(url) || (shouldAuthorize && !shouldAuthorize(new Request(url, init))) || !hasSession()) return send(input, init);
    return authorized((tokens) => {
      const headers = new Headers(init?.headers);
      applyToken(headers, tokens);
      return send(input, { ...init, headers });
    }, init?.signal);
  };
}
