// op.refresh against a real oidc-provider (Bearer): one grant per burst of 401s, stale 401s,
// proactive refresh, and a revoked grant ending the session with a typed error.
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession, receiveTokens } from '../src/index.js';
import { createAuthFetch } from '../src/fetch/index.js';
import { oauth, TokenEndpointError } from '../src/oauth/index.js';
import { startAuthorizationServer, type AuthorizationServer } from './oauth/authorizationServer.js';
import { startResourceServer, type ResourceServer } from './oauth/resourceServer.js';
import { logIn } from './support/oauthLogin.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/**
 * `learnsExpiryFrom401s`: the first token is handed over with an explicit expiry an hour away
 * (an app that stored a wrong `expiresAt`), so the session learns that it died only from the
 * resource server's 401s.
 */
async function setUp(accessTokenTtl: number, sessionOptions: { refreshMargin?: number } = {}, learnsExpiryFrom401s = false) {
  const as = await startAuthorizationServer({ accessTokenTtl });
  const rs = await startResourceServer({ issuer: as });
  closers.push(as.close, rs.close);
  const op = oauth({ issuer: as.issuer, clientId: 'spa', clientMetadata: { id_token_signed_response_alg: 'ES256' }, allowInsecureRequests: true });
  const answer = await logIn(op);
  const tokens = learnsExpiryFrom401s ? { ...receiveTokens(answer, Date.now()).tokens, expiresAt: Date.now() + 3_600_000 } : answer;
  const session = createAuthSession({ refresh: op.refresh, tokens, retry: { retries: 0 }, ...sessionOptions });
  closers.push(() => session.stop());
  const authFetch = createAuthFetch(session, { origins: [rs.url] });
  return { as, rs, op, session, authFetch };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Past the server's expiry of a 2 s token (exp is in whole seconds).
const pastServerExpiry = () => sleep(3_100);

describe('refresh_token grant at a real provider (Bearer)', () => {
  it('50 concurrent requests after the access token expired make exactly one refresh grant', async () => {
    const { as, rs, authFetch } = await setUp(2, {}, true);
    await pastServerExpiry();

    const responses = await Promise.all(Array.from({ length: 50 }, () => authFetch(`${rs.url}/api/data`)));

    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(rs.counters.unauthorized).toEqual({ invalid_token: 50 });
    expect(as.counters.refreshGrants).toBe(1);
    expect(as.counters.reuseDetected).toBe(0);
  });

  it('a 401 for a request sent with the old token, answered after the refresh, makes no second grant', async () => {
    const { as, rs, session, authFetch } = await setUp(2, {}, true);
    const oldToken = session.tokens!.accessToken;
    await pastServerExpiry();
    expect((await authFetch(`${rs.url}/api/data`)).status).toBe(200);
    expect(as.counters.refreshGrants).toBe(1);

    // What a request that left with the old token gets back now.
    const stale = await fetch(`${rs.url}/api/data`, { headers: { authorization: `Bearer ${oldToken}` } });
    expect(stale.status).toBe(401);
    const next = await session.unauthorized(oldToken);
    const replayed = await authFetch(`${rs.url}/api/data`);

    expect(next.accessToken).toBe(session.tokens!.accessToken);
    expect(replayed.status).toBe(200);
    expect(as.counters.refreshGrants).toBe(1);
  });

  it('a request every 500 ms over three token lifetimes never meets a 401 (proactive refresh)', async () => {
    // iat and exp are whole seconds, so a 4 s token may die 3 s after it arrives; the margin
    // (capped at half the lifetime) refreshes it 2 s after it arrives, a second ahead.
    const { as, rs, authFetch } = await setUp(4, { refreshMargin: 2_000 });

    const statuses: number[] = [];
    for (let i = 0; i < 24; i += 1) {
      statuses.push((await authFetch(`${rs.url}/api/data`)).status);
      await sleep(500);
    }

    expect(statuses).toEqual(Array(24).fill(200));
    expect(rs.counters.unauthorized).toEqual({});
    expect(as.counters.refreshGrants).toBeGreaterThanOrEqual(4);
  });

  it('a revoked grant ends the session: expired, with a TokenEndpointError caused by invalid_grant', async () => {
    const { as, session } = await setUp(2, {}, true);
    const expired = new Promise<unknown>((resolve) => session.on('expired', ({ error }) => resolve(error)));
    await as.revokeGrantOf(session.tokens!.refreshToken!);

    await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    const error = await expired;

    expect(session.status).toBe('expired');
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ name: 'TokenEndpointError', status: 400, error: 'invalid_grant' });
    expect((error as Error).cause).toMatchObject({ name: 'ResponseBodyError', error: 'invalid_grant' });
    expect(as.counters.tokenErrors).toEqual(['invalid_grant']);
  });
});
