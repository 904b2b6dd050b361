import type { AuthSession } from '../createAuthSession.js';
import { createOriginAllowList } from '../origins.js';
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

function withToken(request: Request, tokens: TokenSet, applyToken: (headers: Headers, tokens: TokenSet) => void): Request {
  const headers = new Headers(request.headers);
  applyToken(headers, tokens);
  return new Request(request, { headers });
}

/** A caller that aborts its request stops waiting for a token too. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The session's promise still settles later (token, timeout or stop): nobody may be left to see it.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * `fetch` with the session's token: attached only for allowed origins, one refresh for any
 * number of concurrent 401s, and one replay of the request with the new token.
 */
export function createAuthFetch(session: AuthSession, options: AuthFetchOptions = {}): AuthFetch {
  const isAllowed = createOriginAllowList(options.origins);
  const shouldAuthorize = options.shouldAuthorize ?? (() => true);
  const isUnauthorized = options.isUnauthorized ?? ((response: Response) => response.status === 401);
  const applyToken = options.applyToken ?? bearer;
  const send = (request: Request) => (options.fetch ?? globalThis.fetch)(request);

  return async function authFetch(input, init) {
    const request = new Request(input, init);
    if (!isAllowed(new URL(request.url)) || !shouldAuthorize(request)) return send(request);
    // A guest, or a session that ended: public routes keep working, protected ones answer 401 as is.
    if (session.status === 'loggedOut' || session.status === 'expired') return send(request);

    const tokens = await untilAborted(session.getToken(), request.signal);
    // Keep a copy of the body before the first send consumes it, so the replay sends it intact.
    const replay = request.body === null ? request : request.clone();
    const response = await send(withToken(request, tokens, applyToken));
    if (!isUnauthorized(response)) return response;

    const next = await untilAborted(session.unauthorized(tokens.accessToken), request.signal);
    // Not awaited: under msw (and any stream whose source never answers) cancel() never settles,
    // which would leave this request hanging after the session already handed out the new token.
    void response.body?.cancel().catch(() => undefined);
    // One replay only: a second 401 goes back to the caller as it is.
    return send(withToken(replay, next, applyToken));
  };
}
