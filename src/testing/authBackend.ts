/**
 * An in-memory auth server: login, rotating refresh tokens with reuse
 * detection, short-lived access tokens, CSRF tokens for cookie mode, and
 * debug switches. Pure logic with no Node imports: the demo's HTTP server,
 * msw handlers in the browser and `tokenflight/testing` all wrap this one.
 */
import { issueUnsignedToken, randomId, verifyUnsignedToken, type AccessClaims } from './tokenFormat.js';

export type { AccessClaims } from './tokenFormat.js';

export interface AuthBackendOptions {
  /** Access-token lifetime in seconds. Default 30. */
  accessTtl?: number;
  /** Refresh-token lifetime in seconds. Default one day. */
  refreshTtl?: number;
  /** Clock in milliseconds (like `Date.now`), injectable for fake timers. */
  now?: () => number;
  /** Turns claims into a token string, e.g. an HS256 JWT. Default: unsigned JWT-shaped token. */
  issueAccessToken?: (claims: AccessClaims) => Promise<string>;
  /**
   * Checks a token's integrity and returns its claims, or null if it is not
   * genuine. Expiry is decided by the backend (so `expireAccessTokens` works),
   * so a verifier should return the claims of an expired but genuine token.
   */
  verifyAccessToken?: (token: string) => Promise<AccessClaims | null>;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Bound to this access token; cookie mode sends it in `X-CSRF-Token`. */
  csrfToken: string;
}

export type RefreshFailure = 'unknown' | 'expired' | 'revoked' | 'reused';
export type RefreshResult = { ok: true; tokens: IssuedTokens } | { ok: false; reason: RefreshFailure };

export type AuthorizeFailure = 'missing' | 'invalid' | 'expired' | 'revoked' | 'csrf';
export type AuthorizeResult = { ok: true; claims: AccessClaims } | { ok: false; reason: AuthorizeFailure };

export interface AuthorizeOptions {
  /** When given, the request must carry the CSRF token bound to the access token. */
  csrfToken: string | null | undefined;
}

export interface AuthBackendStats {
  refreshCalls: number;
  refreshOk: number;
  reuseDetected: number;
  /** Every rejected `authorize` call, i.e. every 401 a resource route serves. */
  unauthorized: number;
}

export interface AuthBackend {
  login(username: string): Promise<IssuedTokens>;
  refresh(refreshToken: string | null | undefined): Promise<RefreshResult>;
  authorize(accessToken: string | null | undefined, options?: AuthorizeOptions): Promise<AuthorizeResult>;
  /** Ends the session (family) that `refreshToken` belongs to; unknown tokens are ignored. */
  logout(refreshToken: string | null | undefined): void;
  /** Every access token issued so far expires now. */
  expireAccessTokens(): void;
  /** Every refresh token stops working; access tokens live until they expire. */
  revokeRefreshTokens(): void;
  reset(): void;
  stats(): AuthBackendStats;
  readonly accessTtl: number;
}

interface Family {
  sub: string;
  revoked: boolean;
}
interface AccessRecord {
  token: string;
  sid: string;
  csrfToken: string;
  expiresAt: number;
}
interface RefreshRecord {
  sid: string;
  used: boolean;
  expiresAt: number;
}

const RECORD_GRACE_MS = 10 * 60_000;

export function createAuthBackend(options: AuthBackendOptions = {}): AuthBackend {
  const accessTtl = options.accessTtl ?? 30;
  const refreshTtl = options.refreshTtl ?? 86_400;
  const now = options.now ?? Date.now;
  const issue = options.issueAccessToken ?? issueUnsignedToken;
  const verify = options.verifyAccessToken ?? verifyUnsignedToken;

  let families = new Map<string, Family>();
  let accessTokens = new Map<string, AccessRecord>();
  let refreshTokens = new Map<string, RefreshRecord>();
  let stats: AuthBackendStats = emptyStats();

  function dropExpiredAccessRecords(at: number): void {
    // Old access tokens are kept while they are valid so a late request with
    // one is judged like a real JWT would be, and a while longer so a 401 can
    // still say "expired"; after that they only cost memory.
    for (const [jti, record] of accessTokens) {
      if (record.expiresAt + RECORD_GRACE_MS <= at) accessTokens.delete(jti);
    }
  }

  async function issueTokens(sid: string, sub: string): Promise<IssuedTokens> {
    const issuedAt = now();
    dropExpiredAccessRecords(issuedAt);
    const claims: AccessClaims = {
      sub,
      sid,
      jti: randomId(),
      iat: Math.floor(issuedAt / 1000),
      exp: Math.floor(issuedAt / 1000) + accessTtl,
    };
    const accessToken = await issue(claims);
    const csrfToken = randomId();
    accessTokens.set(claims.jti, {
      token: accessToken,
      sid,
      csrfToken,
      expiresAt: issuedAt + accessTtl * 1000,
    });
    const refreshToken = randomId(32);
    refreshTokens.set(refreshToken, { sid, used: false, expiresAt: issuedAt + refreshTtl * 1000 });
    return { accessToken, refreshToken, expiresIn: accessTtl, csrfToken };
  }

  function revokeFamily(sid: string): void {
    const family = families.get(sid);
    if (family) family.revoked = true;
  }

  async function judge(
    accessToken: string | null | undefined,
    authorizeOptions: AuthorizeOptions | undefined,
  ): Promise<AuthorizeResult> {
    if (!accessToken) return { ok: false, reason: 'missing' };
    const claims = await verify(accessToken);
    const record = claims ? accessTokens.get(claims.jti) : undefined;
    if (!claims || !record || record.token !== accessToken) {
      // Includes tokens from before a reset or long expired (their record was dropped).
      return { ok: false, reason: 'invalid' };
    }
    if (families.get(record.sid)?.revoked !== false) return { ok: false, reason: 'revoked' };
    if (now() >= record.expiresAt) return { ok: false, reason: 'expired' };
    if (authorizeOptions && authorizeOptions.csrfToken !== record.csrfToken) {
      return { ok: false, reason: 'csrf' };
    }
    return { ok: true, claims };
  }

  return {
    accessTtl,

    async login(username) {
      const sid = randomId();
      families.set(sid, { sub: username, revoked: false });
      return issueTokens(sid, username);
    },

    async refresh(refreshToken) {
      stats.refreshCalls += 1;
      const record = refreshToken ? refreshTokens.get(refreshToken) : undefined;
      if (!record) return { ok: false, reason: 'unknown' };
      const family = families.get(record.sid);
      if (!family || family.revoked) return { ok: false, reason: 'revoked' };
      if (record.used) {
        // A rotated token came back: either the client raced itself or it was
        // stolen. Either way nobody in this family can be trusted any more.
        revokeFamily(record.sid);
        stats.reuseDetected += 1;
        return { ok: false, reason: 'reused' };
      }
      if (now() >= record.expiresAt) return { ok: false, reason: 'expired' };
      record.used = true;
      const tokens = await issueTokens(record.sid, family.sub);
      stats.refreshOk += 1;
      return { ok: true, tokens };
    },

    async authorize(accessToken, authorizeOptions) {
      const result = await judge(accessToken, authorizeOptions);
      if (!result.ok) stats.unauthorized += 1;
      return result;
    },

    logout(refreshToken) {
      const record = refreshToken ? refreshTokens.get(refreshToken) : undefined;
      if (record) revokeFamily(record.sid);
    },

    expireAccessTokens() {
      const at = now();
      for (const record of accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, at);
    },

    revokeRefreshTokens() {
      // Refresh tokens are opaque and only valid while in this map.
      refreshTokens = new Map();
    },

    reset() {
      families = new Map();
      accessTokens = new Map();
      refreshTokens = new Map();
      stats = emptyStats();
    },

    stats() {
      return { ...stats };
    },
  };
}

function emptyStats(): AuthBackendStats {
  return { refreshCalls: 0, refreshOk: 0, reuseDetected: 0, unauthorized: 0 };
}
