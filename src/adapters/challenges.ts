import type { IncomingResponse, Refusal } from './scheme.js';

/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). Scheme and parameter names are lowercased. */
export interface Challenge {
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
  readonly token68?: string;
}

// Sticky patterns: each matches exactly at `lastIndex`.
const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(?:,|$))/y;
const QUOTED = /"((?:[^"\\]|\\.)*)"/y;
const EQUALS = /[ \t]*=[ \t]*/y;
const SPACES = /[ \t]*/y;
const SEPARATORS = /[ \t,]*/y;
const UNTIL_COMMA = /[^,]*/y;

function cursor(text: string) {
  let at = 0;
  const read = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = at;
    const found = pattern.exec(text);
    if (found) at = pattern.lastIndex;
    return found;
  };
  /** `name = value`, value a token or a quoted string; nothing is consumed when it is not one. */
  const param = (): [string, string] | null => {
    const start = at;
    const name = read(TOKEN);
    if (name && read(EQUALS)) {
      const quoted = read(QUOTED);
      if (quoted) return [name[0].toLowerCase(), (quoted[1] ?? '').replace(/\\(.)/g, '$1')];
      const value = read(TOKEN);
      if (value) return [name[0].toLowerCase(), value[0]];
    }
    at = start;
    return null;
  };
  return { read, param, done: () => at >= text.length, next: () => text[at] };
}

/**
 * The challenges of a `WWW-Authenticate` header: `Bearer realm="api", error="invalid_token",
 * DPoP algs="ES256"` is two. Commas separate challenges and parameters alike: a parameter
 * belongs to the challenge before it. A part that cannot be read is skipped up to the next comma.
 */
export function parseChallenges(header: string | null): Challenge[] {
  const challenges: Array<{ scheme: string; params: Map<string, string>; token68?: string }> = [];
  if (!header) return challenges;
  const text = cursor(header);
  let current: (typeof challenges)[number] | undefined;
  while (text.read(SEPARATORS) && !text.done()) {
    const param = current ? text.param() : null;
    if (current && param) {
      if (!current.params.has(param[0])) current.params.set(param[0], param[1]);
    } else {
      const scheme = text.read(TOKEN);
      if (scheme) {
        current = { scheme: scheme[0].toLowerCase(), params: new Map() };
        challenges.push(current);
        text.read(SPACES);
        const first = text.param();
        if (first) current.params.set(first[0], first[1]);
        else {
          const token68 = text.read(TOKEN68);
          if (token68) current.token68 = token68[0];
        }
      }
    }
    text.read(SPACES);
    if (!text.done() && text.next() !== ',') text.read(UNTIL_COMMA);
  }
  return challenges;
}

/**
 * The challenge whose error code decides (RFC 6750 §3, RFC 9449 §7.1): a DPoP `use_dpop_nonce`
 * first, then `invalid_token`, then any other. Undefined: no challenge names an error.
 */
function decidingError(response: IncomingResponse): { scheme: string; error: string } | undefined {
  let found: { scheme: string; error: string } | undefined;
  for (const { scheme, params } of parseChallenges(response.headers.get('WWW-Authenticate'))) {
    const error = params.get('error');
    if (error === undefined) continue;
    if (error === 'use_dpop_nonce' && scheme === 'dpop') return { scheme, error };
    if (found === undefined || (error === 'invalid_token' && found.error !== 'invalid_token')) found = { scheme, error };
  }
  return found;
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
