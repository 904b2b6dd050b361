import * as oauth from 'oauth4webapi';
import { challengeErrors, classifyChallenge } from '../session/challenges.js';
import { bearerScheme, type IncomingResponse, type Refusal, type TokenScheme } from '../session/scheme.js';
import type { DPoPState } from './dpop.js';

/**
 * A DPoP refusal (RFC 9449 §7.1, §9): `DPoP error="use_dpop_nonce"` in any challenge is a retry
 * with the nonce just observed, never a refresh; anything else is read as the core reads it (RFC 6750 §3).
 */
export function classifyDpopChallenge(response: IncomingResponse): Refusal {
  return challengeErrors(response).some(([scheme, error]) => scheme === 'dpop' && error === 'use_dpop_nonce')
    ? 'retry'
    : classifyChallenge(response);
}

/**
 * `Authorization: DPoP <token>` with a fresh proof per request (RFC 9449 §7), signed by
 * oauth4webapi: its protectedResourceRequest builds both headers and hands them to a fetch that
 * only copies them onto the adapter's request, which the adapter then sends itself. A token the
 * server issued as `token_type: Bearer` (it ignored the proof, RFC 9449 §5) is not bound to the
 * key and goes out as Bearer.
 */
export function dpopScheme(dpop: DPoPState): TokenScheme {
  return {
    async authorize(request, tokens) {
      if (tokens.tokenType?.toLowerCase() === 'bearer') {
        await bearerScheme.authorize(request, tokens);
        return;
      }
      const handle = await dpop.handle();
      await oauth.protectedResourceRequest(tokens.accessToken, request.method, request.url, undefined, undefined, {
        DPoP: handle,
        // Nothing goes out from here: which URLs get tokens is the adapter's `origins` decision.
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
        [oauth.allowInsecureRequests]: true,
        // oauth4webapi builds both headers of a DPoP request; they are copied onto the app's request.
        [oauth.customFetch]: (_url, init) => {
          const { authorization, dpop: proof } = init.headers;
          if (authorization === undefined || proof === undefined) {
            return Promise.reject(new Error('tokenflight/oauth: oauth4webapi built no DPoP request headers'));
          }
          request.headers.set('Authorization', authorization);
          request.headers.set('DPoP', proof);
          return Promise.resolve(new Response(null, { status: 204 }));
        },
      });
    },
    observe(response) {
      dpop.observe(response.headers, response.url);
    },
    classify: classifyDpopChallenge,
  };
}
