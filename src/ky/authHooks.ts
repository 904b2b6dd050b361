import type { AfterResponseHook, BeforeRequestHook, NormalizedOptions } from 'ky';
import { isStatus401, settle } from '../adapter-core/answer.js';
import { createAuthGate, grantFrom, holdsBack, type AdapterOptions } from '../adapter-core/authGate.js';
import { requestOf, type FetchAdapter } from '../adapter-core/fetchExchange.js';
import { authorizeThen } from '../session/scheme.js';
import type { AuthSession } from '../session/createAuthSession.js';
import { checkAdapterArguments } from '../session/optionChecks.js';
import type { TokenSet } from '../../domain/tokens.js';

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
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  return typeof mark === 'object' && mark !== null && mark.skip === true;
}

/**
 * ky hooks with the fetch adapter's semantics: `ky.create({ hooks: authHooks(session) })`.
 * Put these hooks after your own `beforeRequest` hooks: ky stops at the first hook that
 * answers, and the origin check should see the final URL.
 */
export function authHooks(session: AuthSession, options: KyAuthOptions = {}): KyAuthHooks {
  checkAdapterArguments('authHooks', session, options);
  const shouldAuthorize = options.shouldAuthorize ?? (() => true);
  const gate = createAuthGate(session, options);
  const isUnauthorized = options.isUnauthorized ?? isStatus401;
  // ky's options carry the fetch it uses (its `fetch` option); the types leave it out.
  const adapterFor = (kyOptions: NormalizedOptions): FetchAdapter => ({
    gate,
    send: (request) => ((kyOptions as { fetch?: typeof globalThis.fetch }).fetch ?? globalThis.fetch)(request),
    refused: isUnauthorized,
  });
  // The token each call was sent with. afterResponse sees a clone of the sent request but the
  // same options object (one per ky call), so that is the key; nothing is read back from headers.
  const usedTokens = new WeakMap<NormalizedOptions, TokenSet>();
  // Requests whose whole exchange ran inside beforeRequest; afterResponse leaves them alone.
  const answered = new WeakSet<Request>();

  const beforeRequest: BeforeRequestHook = async (request, kyOptions) => {
    if (isSkipped(kyOptions.context)) return;
    const url = new URL(request.url);
    if (!gate.covers(url) || !shouldAuthorize(request)) return;
    const grant = await grantFrom(gate, request.signal);
    if (holdsBack(gate, grant)) {
      // Released by a refresh and a replay limit is set: wait for a slot here, so the limit holds.
      answered.add(request);
      const sent = requestOf(adapterFor(kyOptions), request.clone());
      return settle(sent, await sent.resend(grant.tokens), grant.tokens);
    }
    // In place, so your later hooks and ky's own retry logic keep working.
    await authorizeThen(
      gate.scheme,
      { method: request.method, url, headers: request.headers },
      grant.tokens,
      () => undefined,
    );
    usedTokens.set(kyOptions, grant.tokens);
  };

  const afterResponse: AfterResponseHook = async (request, kyOptions, response) => {
    if (answered.has(request) || isSkipped(kyOptions.context)) return;
    const used = usedTokens.get(kyOptions);
    if (used === undefined || !gate.allows(new URL(request.url))) return;
    const settled = await settle(requestOf(adapterFor(kyOptions), request), response, used);
    // The first answer stands: ky keeps its own copy of it.
    return settled === response ? undefined : settled;
  };

  return { beforeRequest: [beforeRequest], afterResponse: [afterResponse] };
}
