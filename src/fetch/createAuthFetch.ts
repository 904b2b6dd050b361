import { isStatus401, settle, type SentRequest } from '../adapters/answer.js';
import { createAuthGate, type AdapterOptions } from '../adapters/authGate.js';
import { fetchExchange, sendAuthorized } from '../adapters/fetchExchange.js';
import { authorizeThen, sentMethod, type TokenScheme } from '../adapters/scheme.js';
import type { TokenSet } from '../../domain/tokens.js';
import { copyHeaders } from './headerRecord.js';
import type { AuthSession } from '../createAuthSession.js';
import { pageBase } from '../origins.js';

export interface AuthFetchOptions extends AdapterOptions {
  /** The fetch to wrap. Default: the global fetch at call time (so test mocks apply). */
  fetch?: typeof globalThis.fetch;
  /** Narrows which requests to allowed origins get a token; it can never widen the allow-list. */
  shouldAuthorize?: (request: Request) => boolean;
  /** What counts as "the token was refused". Default: status 401. */
  isUnauthorized?: (response: Response) => boolean;
}

export type AuthFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** A request given as a URL (and init), as the hot path sends it. */
interface UrlTarget {
  send: AuthFetch;
  scheme: TokenScheme;
  input: string | URL;
  init: RequestInit | undefined;
  url: URL;
}

/**
 * Sends a URL request with `tokens` on a copy of its headers. Defined once, not per call: the
 * hot path allocates no closure it does not need.
 */
function sendTo(target: UrlTarget, tokens: TokenSet): Promise<Response> {
  const { init } = target;
  const headers = copyHeaders(init?.headers);
  const request = { method: sentMethod(init?.method), url: target.url, headers };
  return authorizeThen(target.scheme, request, tokens, () => target.send(target.input, { ...init, headers: headers.value }));
}

const isStream = (body: unknown) => typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;

/**
 * `fetch` with the session's token: attached only for allowed origins, one refresh for any
 * number of concurrent 401s, and one replay of the request with the new token.
 */
export function createAuthFetch(session: AuthSession, options: AuthFetchOptions = {}): AuthFetch {
  const shouldAuthorize = options.shouldAuthorize;
  const rawFetch: AuthFetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  const gate = createAuthGate(session, options);
  const exchange = fetchExchange(gate, (request) => rawFetch(request), options.isUnauthorized ?? isStatus401);

  return async function authFetch(input, init) {
    // A Request input or a streamed body (which only a Request can copy for the replay) goes
    // through a Request we own.
    if (input instanceof Request || isStream(init?.body)) {
      const request = new Request(input, init);
      // A guest, or a session that ended: public routes keep working, protected ones answer 401 as is.
      if (!gate.covers(new URL(request.url)) || (shouldAuthorize && !shouldAuthorize(request))) return rawFetch(request);
      return sendAuthorized(exchange, request, await gate.grant(request.signal));
    }
    // A URL stays a URL, so fetch builds the one Request it always builds: copying Requests cost
    // more than the rest of a call.
    const url = new URL(input, pageBase());
    if (!gate.covers(url) || (shouldAuthorize && !shouldAuthorize(new Request(url, init)))) return rawFetch(input, init);
    const signal = init?.signal ?? undefined;
    const waiting = gate.wait(signal);
    const tokens = await waiting.tokens;
    const target: UrlTarget = { send: rawFetch, scheme: gate.scheme, input, init, url };
    const response = await (waiting.replay ? gate.send(waiting, () => sendTo(target, tokens), signal) : sendTo(target, tokens));
    // The hot path: accepted, and nothing to observe.
    if (!exchange.refused(response) && !gate.scheme.observe) return response;
    const sent: SentRequest<Response> = { url, signal, resend: (again) => gate.send(again, () => sendTo(target, again.tokens), signal) };
    return settle(exchange, sent, response, tokens);
  };
}
