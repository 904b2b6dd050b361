import { isStatus401, settle } from '../adapter-core/answer.js';
import { createAuthGate, type AdapterOptions } from '../adapter-core/authGate.js';
import { FetchRequest, type FetchAdapter } from '../adapter-core/fetchExchange.js';
import type { AuthSession } from '../session/createAuthSession.js';
import { pageBase } from '../adapter-core/origins.js';
import { checkAdapterArguments } from '../session/optionChecks.js';

export interface AuthFetchOptions extends AdapterOptions {
  /** The fetch to wrap. Default: the global fetch at call time (so test mocks apply). */
  fetch?: typeof globalThis.fetch;
  /** Narrows which requests to allowed origins get a token; it can never widen the allow-list. */
  shouldAuthorize?: (request: Request) => boolean;
  /** What counts as "the token was refused". Default: status 401. */
  isUnauthorized?: (response: Response) => boolean;
}

export type AuthFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` with the session's token: attached only for allowed origins, one refresh for any
 * number of concurrent 401s, and one replay of the request with the new token.
 */
export function createAuthFetch(session: AuthSession, options: AuthFetchOptions = {}): AuthFetch {
  checkAdapterArguments('createAuthFetch', session, options);
  const shouldAuthorize = options.shouldAuthorize;
  const rawFetch: AuthFetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  const gate = createAuthGate(session, options);
  const adapter: FetchAdapter = { gate, send: rawFetch, refused: options.isUnauthorized ?? isStatus401 };

  return async function authFetch(input, init) {
    let request: Request | undefined;
    // A Request input or a streamed body (known by its getReader; only a Request can copy it for
    // the replay) goes through a Request we own; a URL stays a URL (see FetchRequest).
    if (input instanceof Request || (init?.body as Partial<ReadableStream> | null | undefined)?.getReader) {
      input = request = new Request(input, init);
      init = undefined;
    }
    const url = new URL(request?.url ?? (input as string | URL), pageBase());
    // A guest, or a session that ended: public routes keep working, protected ones answer 401 as is.
    if (!gate.covers(url) || (shouldAuthorize && !shouldAuthorize(request ?? new Request(url, init))))
      return rawFetch(input, init);
    const source = request ?? init;
    const signal = source?.signal ?? undefined;
    const waiting = gate.wait(signal);
    const tokens = await waiting.tokens;
    const sent = new FetchRequest(adapter, input, source, url, signal);
    // On the hot path (accepted, nothing to observe), settle answers the response at once.
    return settle(sent, await (waiting.replay ? sent.resend(tokens) : sent.send(tokens)), tokens);
  };
}
