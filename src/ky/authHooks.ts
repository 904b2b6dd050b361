import type { AfterResponseHook, BeforeRequestHook, NormalizedOptions } from 'ky';
import { createAuthGate, type AdapterOptions } from '../adapters/authGate.js';
import type { AuthSession } from '../createAuthSession.js';
import { bearer, bearerToken, isStatus401, replayRefused, sendAuthorized, type FetchExchange } from '../fetch/createAuthFetch.js';

export interface KyAuthOptions extends AdapterOptions {
  /** Narrows which requests to allowed origins get a token; it can never widen the allow-list. */
  shouldAuthorize?: (request: Request) => boolean;
  /** What counts as "the token was refused". Default: status 401. */
  isUnauthorized?: (response: Response) => boolean;
}

export interface KyAuthHooks {
  beforeRequest: BeforeRequestHook[];
  afterResponse: AfterResponseHook[];
}

/** `context: { tokenflight: { skip: true } }` on a ky call sends it untouched (the refresh call itself). */
export interface KySkipContext {
  tokenflight?: { skip?: boolean };
}

function isSkipped(context: Record<string, unknown>): boolean {
  const mark = (context as KySkipContext).tokenflight;
  return typeof mark === 'object' && mark !== null && mark.skip === true;
}

/**
 * ky hooks with the fetch adapter's semantics: `ky.create({ hooks: authHooks(session) })`.
 * The token goes on as `Authorization: Bearer …` (afterResponse reads it back to report the
 * 401). Put these hooks after your own `beforeRequest` hooks: ky stops at the first hook that
 * answers, and the origin check should see the final URL.
 */
export function authHooks(session: AuthSession, options: KyAuthOptions = {}): KyAuthHooks {
  const shouldAuthorize = options.shouldAuthorize ?? (() => true);
  const gate = createAuthGate(session, options);
  const exchangeFor = (kyOptions: NormalizedOptions): FetchExchange => ({
    gate,
    // ky's options carry the fetch it uses (its `fetch` option); the types leave it out.
    send: (request) => ((kyOptions as { fetch?: typeof globalThis.fetch }).fetch ?? globalThis.fetch)(request),
    isUnauthorized: options.isUnauthorized ?? isStatus401,
    applyToken: bearer,
  });
  // Requests whose whole exchange ran inside beforeRequest; afterResponse leaves them alone.
  const answered = new WeakSet<Request>();

  const beforeRequest: BeforeRequestHook = async (request, kyOptions) => {
    if (isSkipped(kyOptions.context)) return;
    if (!gate.covers(new URL(request.url)) || !shouldAuthorize(request)) return;
    const grant = await gate.grant(request.signal);
    if (gate.holdsBack(grant)) {
      // Released by a refresh and a replay limit is set: wait for a slot here, so the limit holds.
      answered.add(request);
      return sendAuthorized(exchangeFor(kyOptions), request.clone(), grant);
    }
    // In place, so your later hooks and ky's own retry logic keep working.
    bearer(request.headers, grant.tokens);
  };

  const afterResponse: AfterResponseHook = async (request, kyOptions, response) => {
    if (answered.has(request) || isSkipped(kyOptions.context)) return;
    const exchange = exchangeFor(kyOptions);
    if (!exchange.isUnauthorized(response)) return;
    // The token beforeRequest put on (ky hands hooks a clone, so the header is the link). A
    // session that ended meanwhile answers with its typed error, as in the fetch adapter.
    const used = bearerToken(request.headers);
    if (used === null || !gate.allows(new URL(request.url))) return;
    return replayRefused(exchange, request, used, response);
  };

  return { beforeRequest: [beforeRequest], afterResponse: [afterResponse] };
}
