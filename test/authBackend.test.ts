import { describe, expect, it } from 'vitest';
import { createAuthBackend, type AccessClaims } from '../src/testing/authBackend.js';
import { decodeClaims } from '../src/testing/tokenFormat.js';

function fakeClock(start = 1_700_000_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

describe('createAuthBackend', () => {
  it('logs in with a JWT-shaped access token whose exp a client can read', async () => {
    const clock = fakeClock();
    const backend = createAuthBackend({ accessTtl: 30, now: clock.now });
    const tokens = await backend.login('ada');
    expect(tokens.expiresIn).toBe(30);
    const claims = decodeClaims(tokens.accessToken);
    expect(claims?.sub).toBe('ada');
    expect(claims?.exp).toBe(Math.floor(clock.now() / 1000) + 30);
    expect(await backend.authorize(tokens.accessToken)).toMatchObject({ ok: true });
  });

  it('rejects missing, forged and unknown access tokens and counts each 401', async () => {
    const backend = createAuthBackend();
    const { accessToken } = await backend.login('ada');
    const [header, payload] = accessToken.split('.');
    expect(await backend.authorize(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(await backend.authorize(`${header}.${payload}.forged`)).toEqual({ ok: false, reason: 'invalid' });
    expect(await backend.authorize('not-a-token')).toEqual({ ok: false, reason: 'invalid' });
    expect(backend.stats().unauthorized).toBe(3);
  });

  it('lets access tokens expire with time and on expireAccessTokens()', async () => {
    const clock = fakeClock();
    const backend = createAuthBackend({ accessTtl: 30, now: clock.now });
    const first = await backend.login('ada');
    clock.advance(29_999);
    expect((await backend.authorize(first.accessToken)).ok).toBe(true);
    clock.advance(1);
    expect(await backend.authorize(first.accessToken)).toEqual({ ok: false, reason: 'expired' });

    const second = await backend.login('bob');
    backend.expireAccessTokens();
    expect(await backend.authorize(second.accessToken)).toEqual({ ok: false, reason: 'expired' });
    const third = await backend.login('cy');
    expect((await backend.authorize(third.accessToken)).ok).toBe(true);
  });

  it('rotates refresh tokens: each works once and the old access token keeps its lifetime', async () => {
    const backend = createAuthBackend();
    const login = await backend.login('ada');
    const first = await backend.refresh(login.refreshToken);
    if (!first.ok) throw new Error(`refresh failed: ${first.reason}`);
    expect(first.tokens.refreshToken).not.toBe(login.refreshToken);
    expect(first.tokens.accessToken).not.toBe(login.accessToken);
    expect(decodeClaims(first.tokens.accessToken)?.sid).toBe(decodeClaims(login.accessToken)?.sid);
    expect((await backend.authorize(login.accessToken)).ok).toBe(true);
    const second = await backend.refresh(first.tokens.refreshToken);
    expect(second.ok).toBe(true);
    expect(backend.stats()).toEqual({ refreshCalls: 2, refreshOk: 2, reuseDetected: 0, unauthorized: 0 });
  });

  it('revokes the whole family when a used refresh token comes back', async () => {
    const backend = createAuthBackend();
    const login = await backend.login('ada');
    const other = await backend.login('bob');
    const rotated = await backend.refresh(login.refreshToken);
    if (!rotated.ok) throw new Error('first refresh must succeed');

    expect(await backend.refresh(login.refreshToken)).toEqual({ ok: false, reason: 'reused' });
    // The newest tokens of that login die with it ...
    expect(await backend.refresh(rotated.tokens.refreshToken)).toEqual({ ok: false, reason: 'revoked' });
    expect(await backend.authorize(rotated.tokens.accessToken)).toEqual({ ok: false, reason: 'revoked' });
    // ... while another login is untouched.
    expect((await backend.refresh(other.refreshToken)).ok).toBe(true);
    expect(backend.stats()).toMatchObject({ refreshCalls: 4, refreshOk: 2, reuseDetected: 1 });
  });

  it('lets exactly one of two simultaneous refreshes with the same token win', async () => {
    const backend = createAuthBackend();
    const login = await backend.login('ada');
    const results = await Promise.all([backend.refresh(login.refreshToken), backend.refresh(login.refreshToken)]);
    expect(results.map((result) => result.ok)).toEqual([true, false]);
    expect(backend.stats().reuseDetected).toBe(1);
  });

  it('rejects unknown, revoked and expired refresh tokens', async () => {
    const clock = fakeClock();
    const backend = createAuthBackend({ refreshTtl: 60, now: clock.now });
    expect(await backend.refresh('nope')).toEqual({ ok: false, reason: 'unknown' });
    expect(await backend.refresh(null)).toEqual({ ok: false, reason: 'unknown' });

    const revoked = await backend.login('ada');
    backend.revokeRefreshTokens();
    expect(await backend.refresh(revoked.refreshToken)).toEqual({ ok: false, reason: 'unknown' });
    // Access tokens are JWT-like: they survive a refresh-token revocation until they expire.
    expect((await backend.authorize(revoked.accessToken)).ok).toBe(true);

    const old = await backend.login('bob');
    clock.advance(60_000);
    expect(await backend.refresh(old.refreshToken)).toEqual({ ok: false, reason: 'expired' });
  });

  it('ends a session on logout', async () => {
    const backend = createAuthBackend();
    const login = await backend.login('ada');
    backend.logout(login.refreshToken);
    expect(await backend.authorize(login.accessToken)).toEqual({ ok: false, reason: 'revoked' });
    expect(await backend.refresh(login.refreshToken)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('binds a CSRF token to each access token and rotates it on refresh', async () => {
    const backend = createAuthBackend();
    const login = await backend.login('ada');
    const { accessToken, csrfToken } = login;
    expect(await backend.authorize(accessToken, { csrfToken })).toMatchObject({ ok: true });
    expect(await backend.authorize(accessToken, { csrfToken: null })).toEqual({ ok: false, reason: 'csrf' });
    expect(await backend.authorize(accessToken, { csrfToken: 'guess' })).toEqual({ ok: false, reason: 'csrf' });

    const rotated = await backend.refresh(login.refreshToken);
    if (!rotated.ok) throw new Error('refresh must succeed');
    expect(rotated.tokens.csrfToken).not.toBe(csrfToken);
    const next = rotated.tokens.accessToken;
    expect(await backend.authorize(next, { csrfToken })).toEqual({ ok: false, reason: 'csrf' });
    expect((await backend.authorize(next, { csrfToken: rotated.tokens.csrfToken })).ok).toBe(true);
  });

  it('forgets everything on reset()', async () => {
    const backend = createAuthBackend();
    const login = await backend.login('ada');
    await backend.refresh('nope');
    backend.reset();
    expect(backend.stats()).toEqual({ refreshCalls: 0, refreshOk: 0, reuseDetected: 0, unauthorized: 0 });
    expect(await backend.authorize(login.accessToken)).toEqual({ ok: false, reason: 'invalid' });
    expect(await backend.refresh(login.refreshToken)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('uses pluggable issue/verify functions', async () => {
    const issued: string[] = [];
    const backend = createAuthBackend({
      issueAccessToken: async (claims) => {
        issued.push(claims.jti);
        return `signed:${JSON.stringify(claims)}`;
      },
      verifyAccessToken: async (token) =>
        token.startsWith('signed:') ? (JSON.parse(token.slice('signed:'.length)) as AccessClaims) : null,
    });
    const login = await backend.login('ada');
    expect(login.accessToken.startsWith('signed:')).toBe(true);
    expect(issued).toHaveLength(1);
    expect((await backend.authorize(login.accessToken)).ok).toBe(true);
    expect((await backend.authorize(login.accessToken.replace('signed:', 'forged:'))).ok).toBe(false);
  });
});
