import type { IncomingResponse, Refusal } from './scheme.js';

/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). Scheme and parameter names are lowercased. */
export interface Challenge {
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
  readonly token68?: string | undefined;
}

/**
 * One comma-separated part: a parameter (`name = token | "quoted"`, groups 1–3), or a scheme
 * (4) with its first parameter (5–7) or a token68 (8); what is left of the part, readable or not,
 * is skipped up to the next comma.
 */
const PART =
  /[ \t,]*(?:([\w!#$%&'*+.^`|~-]+)[ \t]*=[ \t]*(?:([\w!#$%&'*+.^`|~-]+)|"((?:[^"\\]|\\.)*)")|([\w!#$%&'*+.^`|~-]+)(?:[ \t]+(?:([\w!#$%&'*+.^`|~-]+)[ \t]*=[ \t]*(?:([\w!#$%&'*+.^`|~-]+)|"((?:[^"\\]|\\.)*)")|([\w.~+/-]+=*)(?=[ \t]*(?:,|$))))?)?[^,]*/g;

/**
 * The challenges of a `WWW-Authenticate` header: `Bearer realm="api", error="invalid_token",
 * DPoP algs="ES256"` is two. Commas separate challenges and parameters alike: a parameter
 * belongs to the challenge before it (the first one of a name counts).
 */
export function parseChallenges(header: string | null): Challenge[] {
  const challenges: Challenge[] = [];
  let params: Map<string, string> | undefined;
  for (const [, name = '', token, quoted, scheme, first = name, firstToken = token, firstQuoted = quoted, token68] of (header ?? '').matchAll(PART)) {
    if (scheme) challenges.push({ scheme: scheme.toLowerCase(), params: (params = new Map()), token68 });
    const key = first.toLowerCase();
    if (key && params && !params.has(key)) params.set(key, firstToken ?? firstQuoted!.replace(/\\(.)/g, '$1'));
  }
  return challenges;
}

/**
 * The challenge whose error code decides (RFC 6750 §3, RFC 9449 §7.1): a DPoP `use_dpop_nonce`
 * first, then `invalid_token`, then any other. Undefined: no challenge names an error.
 */
function decidingError(response: IncomingResponse): { scheme: string; error: string } | undefined {
  const named = parseChallenges(response.headers.get('WWW-Authenticate')).flatMap(({ scheme, params }) => {
    const error = params.get('error');
    return error === undefined ? [] : [{ scheme, error }];
  });
  return named.find((c) => c.error === 'use_dpop_nonce' && c.scheme === 'dpop') ?? named.find((c) => c.error === 'invalid_token') ?? named[0];
}

/** The error code a refused answer gives, or null: it does not say why the token was refused. */
export function refusalError(response: IncomingResponse): string | null {
  return decidingError(response)?.error ?? null;
}

/**
 * What a refusal means by its challenge: `invalid_token` or no error code → `refresh`; a DPoP
 * `use_dpop_nonce` → `retry` (same token, the scheme has the new nonce); any other error code
 * (`insufficient_scope`, `invalid_request`…) → `pass`: a new token would not help.
 */
export function classifyChallenge(response: IncomingResponse): Refusal {
  const decided = decidingError(response);
  if (decided === undefined || decided.error === 'invalid_token') return 'refresh';
  return decided.error === 'use_dpop_nonce' && decided.scheme === 'dpop' ? 'retry' : 'pass';
}
