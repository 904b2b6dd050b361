// A session wired as an app wires it, `createAuthSession({ refresh: op.refresh, plugins: [op] })`,
// against a real oidc-provider and resource server, Bearer and DPoP (nonces demanded by both
// servers): one grant per burst of 401s, stale 401s, proactive refresh, a revoked grant, logout.
import { describe, expect, it } from 'vitest';
import { createAuthFetch } from 'tokenflight/fetch';
import { TokenEndpointError } from 'tokenflight/oauth';
import { rawRefresh } from './oauth/codeFlow.js';
import { eventually } from './support/oauthLogin.js';
import { pastServerExpiry, sleep, useOAuthWorlds, type SchemeName, type World } from './support/oauthSession.js';
import { match } from './support/matchers.js';

const { start } = useOAuthWorlds();

/** One request before anything else: with DPoP it learns the resource server's nonce (one `use_dpop_nonce`). */
async function warmUp(world: World): Promise<void> {
  expect((await world.authFetch(world.api)).status).toBe(200);
}

const firstContact = (scheme: SchemeName) => (scheme === 'DPoP' ? { use_dpop_nonce: 1 } : {});

describe.each<SchemeName>(['Bearer', 'DPoP'])('a session with plugins: [op] (%s)', (scheme) => {
  it('50 concurrent requests after the access token expired make exactly one refresh grant', async () => {
    const world = await start({ scheme, accessTokenTtl: 2, expiryUnknownToSession: true });
    const { as, rs, authFetch, api } = world;
    await warmUp(world);
    // The refresh itself meets a token endpoint nonce it does not hold (DPoP).
    as.rotateDpopNonce();
    await pastServerExpiry();

    const responses = await Promise.all(Array.from({ length: 50 }, () => authFetch(api)));

    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(rs.counters.unauthorized).toEqual({ ...firstContact(scheme), invalid_token: 50 });
    expect([as.counters.refreshGrants, as.counters.reuseDetected]).toEqual([1, 0]);
    expect(world.events).toEqual(['refreshed']);
    // The RFC 6749 answer as op.refresh handed it over (oauth4webapi lowercases token_type).
    expect(world.session.tokens).toMatchObject({
      tokenType: scheme.toLowerCase(),
      scope: match.stringContaining('api:read'),
    });
    if (scheme === 'DPoP') expect(as.counters.tokenErrors).toEqual(['use_dpop_nonce', 'use_dpop_nonce']);
  });

  it('a request that left with the old token and is refused after the refresh makes no second grant', async () => {
    const world = await start({ scheme, accessTokenTtl: 2, expiryUnknownToSession: true });
    const { as, rs, session, authFetch, api } = world;
    await warmUp(world);
    const refreshed = new Promise<void>((resolve) => session.on('refreshed', () => resolve()));
    // This fetch holds its request (token and proof already on it) until the refresh is done.
    const heldUntilRefreshed = createAuthFetch(session, {
      origins: [rs.url],
      fetch: async (input, init) => (await refreshed, fetch(input, init)),
    });
    await pastServerExpiry();

    const stale = heldUntilRefreshed(api);
    const first = await authFetch(api);
    const late = await stale;

    expect([first.status, late.status]).toEqual([200, 200]);
    expect(rs.counters.unauthorized).toEqual({ ...firstContact(scheme), invalid_token: 2 });
    expect(as.counters.refreshGrants).toBe(1);
  });

  it('a request every 500 ms over three token lifetimes never meets an expired token (proactive refresh)', async () => {
    // iat and exp are whole seconds, so a 4 s token may die 3 s after it arrives; the margin
    // (capped at half the lifetime) refreshes it 2 s after it arrives, a second ahead.
    const { as, rs, authFetch, api } = await start({ scheme, accessTokenTtl: 4, session: { refreshMargin: 2_000 } });

    const statuses: number[] = [];
    for (let i = 0; i < 24; i += 1) {
      statuses.push((await authFetch(api)).status);
      await sleep(500);
    }

    expect(statuses).toEqual(Array(24).fill(200));
    expect(rs.counters.unauthorized).toEqual(firstContact(scheme));
    expect(as.counters.refreshGrants).toBeGreaterThanOrEqual(4);
    expect(as.counters.reuseDetected).toBe(0);
  });

  it('a revoked grant ends the session: expired with a TokenEndpointError (invalid_grant), every pending request settled', async () => {
    const world = await start({ scheme, accessTokenTtl: 2, expiryUnknownToSession: true });
    const { as, session, authFetch, api } = world;
    await warmUp(world);
    const expired = new Promise<unknown>((resolve) => session.on('expired', ({ error }) => resolve(error)));
    await as.revokeGrantOf(session.tokens!.refreshToken!);
    await pastServerExpiry();

    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => authFetch(api)));
    const error = await expired;

    expect(session.status).toBe('expired');
    expect(outcomes.map((outcome) => outcome.status === 'rejected' && (outcome.reason as Error).name)).toEqual(
      Array(10).fill('SessionExpiredError'),
    );
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect((error as Error).cause).toMatchObject({ name: 'ResponseBodyError', error: 'invalid_grant' });
    // The login's nonce challenge (DPoP), then the one refusal: no retry.
    expect(as.counters.tokenErrors).toEqual([...(scheme === 'DPoP' ? ['use_dpop_nonce'] : []), 'invalid_grant']);
    expect(world.events).toEqual(['refreshFailed']);
  });

  it('logout() returns at once; the provider then hears the revocation and the grant is dead', async () => {
    const { as, session } = await start({ scheme, accessTokenTtl: 30 });
    const refreshToken = session.tokens!.refreshToken!;

    session.logout();
    const revocationsWhenReturned = as.counters.revocations;
    await eventually(() => as.counters.revocations === 1);

    expect(session.status).toBe('loggedOut');
    expect(revocationsWhenReturned).toBe(0);
    expect(as.counters.grantsRevoked).toBe(1);
    expect(await rawRefresh(as, refreshToken)).toMatchObject({ ok: false, error: 'invalid_grant' });
  });
});
