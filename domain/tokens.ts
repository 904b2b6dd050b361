import { InvalidTokenError } from './errors/InvalidTokenError.js';

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

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

interface JwtTimes {
  exp?: number;
  iat?: number;
}

/** Reads `exp`/`iat` from a JWT's payload without verifying it: only to schedule a refresh. */
export function readJwtTimes(token: string): JwtTimes | null {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')));
    if (typeof claims !== 'object' || claims === null) return null;
    const { exp, iat } = claims as Record<string, unknown>;
    return { exp: isFiniteNumber(exp) ? exp : undefined, iat: isFiniteNumber(iat) ? iat : undefined };
  } catch {
    return null;
  }
}

/** The answer's fields under one spelling, unchecked; `names` says how the answer spelled them (for errors). */
interface RawFields {
  accessToken: unknown;
  refreshToken: unknown;
  expiresIn: unknown;
  expiresAt: unknown;
  tokenType: unknown;
  scope: unknown;
  names: { accessToken: string; refreshToken: string; expiresIn: string; tokenType: string; scope: string };
}

const CAMEL_NAMES = { accessToken: 'accessToken', refreshToken: 'refreshToken', expiresIn: 'expiresIn', tokenType: 'tokenType', scope: 'scope' };
const SNAKE_NAMES = { accessToken: 'access_token', refreshToken: 'refresh_token', expiresIn: 'expires_in', tokenType: 'token_type', scope: 'scope' };

/** An answer is snake_case (RFC 6749) when it has `access_token` and no `accessToken`. */
function fieldsOf(input: Record<string, unknown>): RawFields {
  if (input.accessToken === undefined && input.access_token !== undefined) {
    const { access_token, refresh_token, expires_in, token_type, scope } = input;
    return { accessToken: access_token, refreshToken: refresh_token, expiresIn: expires_in, expiresAt: undefined, tokenType: token_type, scope, names: SNAKE_NAMES };
  }
  const { accessToken, refreshToken, expiresIn, expiresAt, tokenType, scope } = input;
  return { accessToken, refreshToken, expiresIn, expiresAt, tokenType, scope, names: CAMEL_NAMES };
}

function optionalString(value: unknown, name: string): string | null | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw new InvalidTokenError(`${name} must be a string or null`);
}

/** Checks the fields; messages name the field, never a value (a value may be a token). */
function checked(fields: RawFields) {
  const { names } = fields;
  if (typeof fields.accessToken !== 'string' || fields.accessToken.length === 0) {
    throw new InvalidTokenError(`A token set needs a non-empty string ${names.accessToken}`);
  }
  if (fields.expiresIn !== undefined && (!isFiniteNumber(fields.expiresIn) || fields.expiresIn < 0)) {
    throw new InvalidTokenError(`${names.expiresIn} must be a non-negative number of seconds`);
  }
  if (fields.expiresAt !== undefined && fields.expiresAt !== null && !isFiniteNumber(fields.expiresAt)) {
    throw new InvalidTokenError('expiresAt must be epoch milliseconds');
  }
  return {
    accessToken: fields.accessToken,
    refreshToken: optionalString(fields.refreshToken, names.refreshToken),
    expiresIn: fields.expiresIn as number | undefined,
    expiresAt: (fields.expiresAt ?? undefined) as number | undefined,
    tokenType: optionalString(fields.tokenType, names.tokenType),
    scope: optionalString(fields.scope, names.scope),
  };
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
function expiryOf(accessToken: string, expiresIn: number | undefined, expiresAt: number | undefined, sentAt: number): number | null {
  const jwt = readJwtTimes(accessToken);
  const jwtLifetime = jwt?.exp !== undefined && jwt.iat !== undefined ? Math.max(0, (jwt.exp - jwt.iat) * 1000) : null;
  if (expiresIn !== undefined) return sentAt + Math.min(expiresIn * 1000, jwtLifetime ?? Infinity);
  if (expiresAt !== undefined) return expiresAt;
  if (jwtLifetime !== null) return sentAt + jwtLifetime;
  if (jwt?.exp !== undefined) return jwt.exp * 1000;
  return null;
}

/**
 * Validates a token input (camelCase or RFC 6749 snake_case) and turns it into the set the session
 * holds. `at` is the session's clock when the tokens arrived, or for a refresh answer when it was
 * asked for and when it arrived. `previous` (the tokens being replaced, or just their refresh
 * token) fills in what a refresh answer leaves out: the refresh token (servers without rotation),
 * the token type and the scope (RFC 6749 §5.1: unchanged when omitted).
 */
export function receiveTokens(input: unknown, at: number | AnswerTiming, previous: TokenSet | string | null = null): ReceivedTokens {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidTokenError('A token set must be an object with a string accessToken');
  }
  const fields = checked(fieldsOf(input as Record<string, unknown>));
  const { sentAt, receivedAt } = typeof at === 'number' ? { sentAt: at, receivedAt: at } : at;
  const before = typeof previous === 'string' ? { refreshToken: previous, tokenType: null, scope: null } : previous;
  const expiresAt = expiryOf(fields.accessToken, fields.expiresIn, fields.expiresAt, sentAt);
  const tokens: TokenSet = {
    accessToken: fields.accessToken,
    refreshToken: fields.refreshToken === undefined ? (before?.refreshToken ?? null) : fields.refreshToken,
    expiresAt,
    tokenType: fields.tokenType ?? before?.tokenType ?? null,
    scope: fields.scope ?? before?.scope ?? null,
  };
  return { tokens, lifetime: expiresAt === null ? null : Math.max(0, expiresAt - receivedAt) };
}

/** A token the session can hand out: no known expiry, or not yet expired. */
export function isUsable(tokens: TokenSet | null, now: number): tokens is TokenSet {
  return tokens !== null && (tokens.expiresAt === null || tokens.expiresAt > now);
}

/** Received tokens that were already past their expiry when they arrived. */
export function isDeadOnArrival(received: ReceivedTokens): boolean {
  return received.lifetime === 0;
}
