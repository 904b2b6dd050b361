import * as oauth from 'oauth4webapi';
import type { IncomingResponse, Refusal, TokenScheme } from '../adapters/scheme.js';
import { parseChallenges } from './challenges.js';
import type { DPoPState } from './dpop.js';

/**
 * `Authorization: DPoP <token>` with a fresh proof per request (RFC 9449 §7), signed by
 * oauth4webapi: its protectedResourceRequest builds both headers and hands them to a fetch that
 * only copies them onto the adapter's request, which the adapter then sends itself.
 */
export function dpopScheme(dpop: DPoPState): TokenScheme {
  return {
    async authorize(request, tokens) {
      const handle = await dpop.handle();
      await oauth.protectedResourceRequest(tokens.accessToken, request.method, request.url, undefined, undefined, {
        DPoP: handle,
        // Nothing goes out from here: which URLs get tokens is the adapter's `origins` decision.
        [oauth.allowInsecureRequests]: true,
        [oauth.customFetch]: async (_url, init) => {
          request.headers.set('Authorization', init.headers.authorization!);
          request.headers.set('DPoP', init.headers.dpop!);
          return new Response(null, { status: 204 });
        },
      });
    },
    observe(response) {
      dpop.observe(response.headers, response.url);
    },
    classify: classifyDPoPRefusal,
  };
}

/**
 * RFC 9449 §9: `use_dpop_nonce` means "send it again with the nonce I just gave you"; an
 * `invalid_token` (or a bare 401) means the token is no good; other errors (a bad proof,
 * `insufficient_scope`) a new token would not fix.
 */
export function classifyDPoPRefusal(response: IncomingResponse): Refusal {
  const errors = parseChallenges(response.headers.get('www-authenticate'))
    .filter((challenge) => challenge.scheme === 'dpop' || challenge.scheme === 'bearer')
    .map((challenge) => challenge.params.error)
    .filter((error): error is string => error !== undefined);
  if (errors.includes('use_dpop_nonce')) return 'retry';
  if (errors.length === 0 || errors.includes('invalid_token')) return 'refresh';
  return 'pass';
}
