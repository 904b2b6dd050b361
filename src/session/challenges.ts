import type { IncomingResponse, Refusal } from './scheme.js';

/**
 * One comma-separated part of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme (1) —
 * a token followed by neither more of it nor `=` — then a parameter (`name = token | "quoted"`,
 * 2–4), each optional; the rest of the part (a token68, anything unreadable) is skipped up to the
 * next comma. A quoted value keeps its commas. (Spaces: a header value holds no line breaks.)
 */
const PART =
  /[\s,]*(?:([\w!#$%&'*+.^`|~-]+)(?!\s*=|[^\s,])\s*)?(?:([\w!#$%&'*+.^`|~-]+)\s*=\s*(?:([\w!#$%&'*+.^`|~-]+)|"((?:[^"\\]|\\.)*)"))?[^,]*/g;

/**
 * The error codes a `WWW-Authenticate` header gives, as `[scheme, error]` (scheme lowercased):
 * `Bearer realm="api", error="invalid_token", DPoP algs="ES256"` is `[['bearer', 'invalid_token']]`.
 * Commas separate challenges and parameters alike: a parameter belongs to the challenge before
 * it, and only a challenge's first `error` counts.
 */
export function challengeErrors(response: IncomingResponse): Array<[scheme: string, error: string]> {
  const errors: Array<[string, string]> = [];
  // The challenge being read; undefined before the first one and once it named its error.
  let scheme: string | undefined;
  for (const [, start, name, token, quoted] of (response.headers.get('WWW-Authenticate') ?? '').matchAll(PART)) {
    if (start) scheme = start.toLowerCase();
    if (scheme && name?.toLowerCase() === 'error') {
      errors.push([scheme, token ?? (quoted ?? '').replace(/\\(.)/g, '$1')]);
      scheme = undefined;
    }
  }
  return errors;
}

/**
 * What a refusal means by its challenge (RFC 6750 §3): `invalid_token` in any challenge, or no
 * error code at all → `refresh`; any other error code (`insufficient_scope`, `invalid_request`…)
 * → `pass`: a new token would not help.
 */
export function classifyChallenge(response: IncomingResponse): Refusal {
  const errors = challengeErrors(response);
  return !errors[0] || errors.some(([, error]) => error === 'invalid_token') ? 'refresh' : 'pass';
}
