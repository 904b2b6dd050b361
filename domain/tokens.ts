import { InvalidTokenError } from './errors/InvalidTokenError.js';

/** What `login` takes and `refresh` returns. */
export interface TokenInput {
  accessToken: string;
  refreshToken?: string | null;
  /** Seconds from now. Preferred: a relative lifetime survives a wrong client clock. */
  expiresIn?: number;
  /** Epoch milliseconds. */
  expiresAt?: number;
}

/** What the session holds. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  /** Epoch milliseconds by the session's clock, or null when the expiry is unknown. */
  readonly expiresAt: number | null;
}

/** A token set and how long it was meant to live when it arrived (ms), which caps the refresh margin. */
export interface ReceivedTokens {
  tokens: TokenSet;
  lifetime: number | null;
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

/**
 * Validates a token input and turns it into the set the session holds.
 * `previousRefreshToken` is kept when a refresh answer carries none (servers without rotation).
 */
export function receiveTokens(input: unknown, now: number, previousRefreshToken: string | null = null): ReceivedTokens {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidTokenError('A token set must be an object with a string accessToken');
  }
  const { accessToken, refreshToken, expiresIn, expiresAt } = input as Record<string, unknown>;
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw new InvalidTokenError('A token set needs a non-empty string accessToken');
  }
  if (refreshToken !== undefined && refreshToken !== null && typeof refreshToken !== 'string') {
    throw new InvalidTokenError('refreshToken must be a string or null');
  }
  if (expiresIn !== undefined && (!isFiniteNumber(expiresIn) || expiresIn < 0)) {
    throw new InvalidTokenError('expiresIn must be a non-negative number of seconds');
  }
  if (expiresAt !== undefined && !isFiniteNumber(expiresAt)) {
    throw new InvalidTokenError('expiresAt must be epoch milliseconds');
  }

  const keptRefreshToken = refreshToken === undefined ? previousRefreshToken : refreshToken;
  const tokens = (expiry: number | null): TokenSet => ({
    accessToken,
    refreshToken: keptRefreshToken,
    expiresAt: expiry,
  });

  if (expiresIn !== undefined) return { tokens: tokens(now + expiresIn * 1000), lifetime: expiresIn * 1000 };
  if (expiresAt !== undefined) return { tokens: tokens(expiresAt), lifetime: Math.max(0, expiresAt - now) };

  const jwt = readJwtTimes(accessToken);
  if (jwt?.exp !== undefined && jwt.iat !== undefined) {
    const lifetime = Math.max(0, (jwt.exp - jwt.iat) * 1000);
    return { tokens: tokens(now + lifetime), lifetime };
  }
  if (jwt?.exp !== undefined) {
    const expiry = jwt.exp * 1000;
    return { tokens: tokens(expiry), lifetime: Math.max(0, expiry - now) };
  }
  return { tokens: tokens(null), lifetime: null };
}

/** A token the session can hand out: no known expiry, or not yet expired. */
export function isUsable(tokens: TokenSet | null, now: number): tokens is TokenSet {
  return tokens !== null && (tokens.expiresAt === null || tokens.expiresAt > now);
}
