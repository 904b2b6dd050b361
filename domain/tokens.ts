import { InvalidTokenError } from './errors/InvalidTokenError.js';
import { isFiniteNumber } from './numbers.js';
import { fieldsOf } from './fields.js';

/** A token set as tokenflight has always written it (camelCase). */
export interface CamelTokenInput {
  accessToken: string;
  refreshToken?: string | null;
  /** Seconds from when the request was sent. Preferred: a relative lifetime survives a wrong client clock. */
  expiresIn?: number;
  /** Epoch milliseconds by the session's clock. */
  expiresAt?: number | null;
  /** 'Bearer', 'DPoP', …; compare case-insensitively. */
  tokenType?: string | null;
  /** Space-separated scopes the access token carries. */
  scope?: string | null;
}

/** A token endpoint's answer as RFC 6749 §5.1 writes it, so `refresh` can `return response.json()`. */
export interface OAuthTokenResponse {
  readonly access_token: string;
  readonly token_type?: string;
  readonly refresh_token?: string | null;
  /** Seconds. */
  readonly expires_in?: number;
  readonly scope?: string;
}

/** What `login` takes and `refresh` returns: either spelling. */
export type TokenInput = CamelTokenInput | OAuthTokenResponse;

/** What the session holds. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  /** Epoch milliseconds by the session's clock, or null when the expiry is unknown. */
  readonly expiresAt: number | null;
  /** As the server wrote it ('Bearer', 'DPoP', …), or null when it said none. */
  readonly tokenType: string | null;
  readonly scope: string | null;
}

/**
 * A token set and how long it had left when it arrived (ms): 0 for tokens already dead on
 * arrival, null when the expiry is unknown. It caps the refresh margin.
 */
export interface ReceivedTokens {
  tokens: TokenSet;
  lifetime: number | null;
}

/** When a refresh answer was asked for and when it arrived, by the session's clock (epoch ms). */
export interface AnswerTiming {
  sentAt: number;
  receivedAt: number;
}

interface JwtTimes {
  exp?: number | undefined;
  iat?: number | undefined;
}

/** Reads `exp`/`iat` from a JWT's payload without verifying it: only to schedule a refresh. */
export function readJwtTimes(token: string): JwtTimes | null {
  const [, payload, ...rest] = token.split('.');
  if (payload === undefined || rest.length !== 1) return null;
  try {
    // atob takes unpadded base64 (forgiving-base64), not base64url's two characters. An empty
    // payload is no JSON, so it lands in the catch.
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof claims !== 'object' || claims === null) return null;
    const { exp, iat } = fieldsOf(claims);
    return { exp: isFiniteNumber(exp) ? exp : undefined, iat: isFiniteNumber(iat) ? iat : undefined };
  } catch {
    return null;
  }
}

/**
 * How expiry is counted (the README's "How expiry is counted"). The server minted the token
 * after the request was sent, so a lifetime it states is counted from `sentAt`, by the client's
 * own clock: an answer that reaches the page late (a suspended tab, a slow network) has already
 * used up part of its life, and neither clock's setting matters.
 * - `expires_in`: sentAt + expires_in, or sentAt + (exp − iat) when the access token is a JWT
 *   whose `exp − iat` is shorter.
 * - else an explicit `expiresAt` (epoch ms by the session's clock, as stored tokens carry it).
 * - else a JWT with `exp` and `iat`: sentAt + (exp − iat). This is reading `exp` with the server
 *   clock's offset taken as iat − sentAt: the largest offset a token minted during the request
 *   allows, so the estimate errs early, never late.
 * - else a JWT's lone `exp` (this one assumes the clocks agree); else the expiry is unknown.
 */
function expiryOf(
  accessToken: string,
  expiresIn: number | undefined,
  expiresAt: number | null | undefined,
  sentAt: number,
): number | null {
  const { exp, iat } = readJwtTimes(accessToken) ?? {};
  // Only a JWT with both claims states its own lifetime.
  const jwtLifetime = exp !== undefined && iat !== undefined ? Math.max(0, (exp - iat) * 1000) : null;
  if (expiresIn !== undefined) {
    const statedLifetime = expiresIn * 1000;
    return sentAt + (jwtLifetime !== null && jwtLifetime < statedLifetime ? jwtLifetime : statedLifetime);
  }
  if (expiresAt !== null && expiresAt !== undefined) return expiresAt;
  if (jwtLifetime !== null) return sentAt + jwtLifetime;
  return exp !== undefined ? exp * 1000 : null;
}

const isText = (value: unknown): value is string | null | undefined => value == null || typeof value === 'string';

/**
 * A lifetime in seconds: a number, or a numeric string ("3600": servers in the wild send one);
 * null for anything else.
 */
function secondsOf(value: unknown): number | null {
  const seconds = typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  return isFiniteNumber(seconds) && seconds >= 0 ? seconds : null;
}

/** A fetch Response (or one like it) handed over instead of its body: the commonest slip in `refresh`. */
const isResponse = (value: object): boolean =>
  ['json', 'text', 'clone'].every((method) => typeof Reflect.get(value, method) === 'function') &&
  typeof Reflect.get(value, 'status') === 'number';

/**
 * Validates a token input (camelCase or RFC 6749 snake_case) and turns it into the set the session
 * holds. `at` is the session's clock when the tokens arrived, or for a refresh answer when it was
 * asked for and when it arrived. `previous` (the tokens being replaced, or just their refresh
 * token) fills in what a refresh answer leaves out: the refresh token (servers without rotation),
 * the token type and the scope (RFC 6749 §5.1: unchanged when omitted).
 */
export function receiveTokens(
  input: unknown,
  at: number | AnswerTiming,
  previous: TokenSet | string | null = null,
): ReceivedTokens {
  if (typeof input === 'object' && input !== null && isResponse(input)) {
    throw new InvalidTokenError(
      'got a fetch Response, not tokens: return await response.json() (after checking response.ok)',
    );
  }
  // Anything but an object reads as one without fields: its accessToken check fails.
  const answer = fieldsOf(input);
  // snake_case (RFC 6749) when it has `access_token` and no `accessToken`.
  const snake = answer.accessToken === undefined && answer.access_token !== undefined;
  /** The field, checked; a bad one is named as the answer spelled it, never quoted (it may be a token). */
  const field = <T>(name: string, valid: (value: unknown) => value is T, what = 'a string or null'): T => {
    // Each field name has one capital: accessToken → access_token.
    const key = snake ? name.replace(/(?=[A-Z])/, '_').toLowerCase() : name;
    const value = answer[key];
    if (!valid(value)) throw new InvalidTokenError(`${key} must be ${what}`);
    return value;
  };
  const accessToken = field(
    'accessToken',
    (value): value is string => typeof value === 'string' && value !== '',
    'a non-empty string',
  );
  const givenExpiresIn = field(
    'expiresIn',
    (value): value is number | string | undefined => value === undefined || secondsOf(value) !== null,
    'a non-negative number of seconds',
  );
  // A numeric string reads as its number (secondsOf accepted it above).
  const expiresIn = givenExpiresIn === undefined ? undefined : (secondsOf(givenExpiresIn) ?? undefined);
  // RFC 6749 has no absolute expiry: an `expires_at` is no field of its (often seconds, not ms).
  const expiresAt = snake
    ? undefined
    : field(
        'expiresAt',
        (value): value is number | null | undefined => value == null || isFiniteNumber(value),
        'epoch milliseconds',
      );
  const refreshToken = field('refreshToken', isText);
  const tokenType = field('tokenType', isText);
  const scope = field('scope', isText);

  const sentAt = typeof at === 'number' ? at : at.sentAt;
  const before: Partial<TokenSet> | null = typeof previous === 'string' ? { refreshToken: previous } : previous;
  const expiry = expiryOf(accessToken, expiresIn, expiresAt, sentAt);
  const tokens: TokenSet = {
    accessToken,
    refreshToken: refreshToken === undefined ? (before?.refreshToken ?? null) : refreshToken,
    expiresAt: expiry,
    tokenType: tokenType ?? before?.tokenType ?? null,
    scope: scope ?? before?.scope ?? null,
  };
  return {
    tokens,
    lifetime: expiry === null ? null : Math.max(0, expiry - (typeof at === 'number' ? at : at.receivedAt)),
  };
}

/** A token the session can hand out: no known expiry, or not yet expired. */
export function isUsable(tokens: TokenSet | null, now: number): tokens is TokenSet {
  return tokens !== null && (tokens.expiresAt === null || tokens.expiresAt > now);
}
