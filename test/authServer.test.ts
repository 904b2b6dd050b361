import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthSession } from 'tokenflight';
import { RefreshRejectedError } from 'tokenflight';
import { AuthServerError, createAuthClient, createAuthServer } from 'tokenflight/testing';
import { match } from './support/matchers.js';

const auth = createAuthServer({ origin: 'https://auth.example.test', accessTtl: 60 });
const client = createAuthClient(auth);
const msw = setupServer(...auth.handlers);
beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterEach(() => auth.reset());
afterAll(() => msw.close());

const never = new AbortController().signal;
const get = (route: 'protected' | 'public' | 'heartbeat', accessToken?: string) =>
  fetch(auth.url(route), accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : {});

describe('createAuthServer (msw)', () => {
  it('logs in, serves the protected route to a valid token and 401 to none, and the public route to anyone', async () => {
    const tokens = await client.login('ada');
    expect(tokens).toMatchObject({ accessToken: match.any(String), refreshToken: match.any(String), expiresIn: 60 });
    expect((await get('protected', tokens.accessToken)).status).toBe(200);
    expect(await (await get('protected', tokens.accessToken)).json()).toMatchObject({ user: 'ada' });
    expect((await get('protected')).status).toBe(401);
    expect((await get('public')).status).toBe(200);
    expect((await get('heartbeat', tokens.accessToken)).status).toBe(200);
    expect(auth.counters()).toMatchObject({
      unauthorized: 1,
      requests: { login: 1, protected: 3, public: 1, heartbeat: 1 },
    });
  });

  it('refuses a login without a username', async () => {
    await expect(client.login('  ')).rejects.toMatchObject({ name: 'AuthServerError', status: 400 });
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const first = await client.login('ada');
    const second = await client.refresh({ refreshToken: first.refreshToken ?? null, tokens: null, signal: never });
    expect(second.refreshToken).not.toBe(first.refreshToken);

    await expect(
      client.refresh({ refreshToken: first.refreshToken ?? null, tokens: null, signal: never }),
    ).rejects.toBeInstanceOf(RefreshRejectedError);
    // The family is revoked: the newest token dies too, and so does its access token.
    await expect(
      client.refresh({ refreshToken: second.refreshToken ?? null, tokens: null, signal: never }),
    ).rejects.toBeInstanceOf(RefreshRejectedError);
    expect((await get('protected', second.accessToken)).status).toBe(401);
    expect(auth.counters()).toMatchObject({ refreshCalls: 3, refreshOk: 1, reuseDetected: 1, refreshRejected: 2 });
  });

  it('expires access tokens on demand; the heartbeat then says the session is gone', async () => {
    const tokens = await client.login('ada');
    auth.expireAccessTokens();
    expect((await get('protected', tokens.accessToken)).status).toBe(401);
    const session = {
      tokens: { accessToken: tokens.accessToken, refreshToken: null, expiresAt: null, tokenType: null, scope: null },
      signal: never,
    };
    await expect(client.heartbeat(session)).resolves.toBe(false);
  });

  it('injects 5xx, malformed bodies and network errors, counting each', async () => {
    const tokens = await client.login('ada');
    const refresh = () => client.refresh({ refreshToken: tokens.refreshToken ?? null, tokens: null, signal: never });
    auth.inject('refresh', 'serverError');
    await expect(refresh()).rejects.toEqual(expect.objectContaining({ name: 'AuthServerError', status: 503 }));
    auth.inject('refresh', 'malformed');
    await expect(refresh()).rejects.toBeInstanceOf(SyntaxError);
    auth.inject('refresh', 'networkError');
    await expect(refresh()).rejects.toBeInstanceOf(TypeError);
    auth.inject('protected', { status: 418, body: { error: 'teapot' } });
    expect((await get('protected', tokens.accessToken)).status).toBe(418);
    // Faults came before the backend: the refresh token is still unused.
    await expect(refresh()).resolves.toMatchObject({ accessToken: match.any(String) });
    expect(auth.counters()).toMatchObject({ faults: 4, refreshCalls: 1, refreshOk: 1 });
  });

  it('a fault after the backend loses a rotated answer: the retry is a reuse and the family dies', async () => {
    const client2 = createAuthClient(auth);
    using session = createAuthSession({ refresh: client2.refresh, retry: { retries: 1, minDelay: 1, maxDelay: 1 } });
    session.login(await client.login('ada'));
    auth.inject('refresh', 'networkError', { phase: 'after' });
    await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    expect(auth.counters()).toMatchObject({ refreshOk: 1, reuseDetected: 1 });
    expect(session.status).toBe('expired');
  });

  it('a hanging refresh is cut by the session timeout; faults can be cleared', async () => {
    using session = createAuthSession({ refresh: client.refresh, refreshTimeout: 50, retry: { retries: 0 } });
    session.login(await client.login('ada'));
    auth.inject('refresh', 'hang', { times: Infinity });
    await expect(session.refresh()).rejects.toMatchObject({ name: 'RefreshTimeoutError' });
    auth.clearFaults();
    await expect(session.refresh()).resolves.toMatchObject({ accessToken: match.any(String) });
  });

  it('adds latency and holds a route until released', async () => {
    auth.setLatency({ public: 30 });
    const started = performance.now();
    await get('public');
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);

    const gate = auth.hold('public');
    let answered = false;
    const pending = get('public').then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect({ answered, waiting: gate.waiting }).toEqual({ answered: false, waiting: 1 });
    gate.release();
    await pending;
    expect(answered).toBe(true);
  });

  it('logout revokes the session family on the server', async () => {
    const tokens = await client.login('ada');
    await client.logout({
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? null,
      expiresAt: null,
      tokenType: null,
      scope: null,
    });
    await expect(
      client.refresh({ refreshToken: tokens.refreshToken ?? null, tokens: null, signal: never }),
    ).rejects.toBeInstanceOf(RefreshRejectedError);
  });

  it('reset forgets users, counters and faults', async () => {
    const tokens = await client.login('ada');
    auth.inject('public', 'serverError', { times: Infinity });
    auth.reset();
    expect(auth.counters()).toMatchObject({ refreshCalls: 0, faults: 0, requests: { login: 0 } });
    expect((await get('public')).status).toBe(200);
    expect((await get('protected', tokens.accessToken)).status).toBe(401);
  });

  it('a request still held at reset dies with the old server: it touches neither the new backend nor the new counters', async () => {
    const tokens = await client.login('ada');
    const gate = auth.hold('refresh');
    const late = client.refresh({ refreshToken: tokens.refreshToken ?? null, tokens: null, signal: never });
    await expect.poll(() => gate.waiting).toBe(1);
    auth.reset();
    // In a browser the worker can deliver it after the next test began; it must not count there.
    await expect(late).rejects.toThrow(TypeError);
    expect(auth.counters()).toMatchObject({ refreshCalls: 0, refreshRejected: 0, requests: { refresh: 0 } });
  });

  it('an AuthServerError carries the status', () => {
    expect(new AuthServerError('refresh', 502)).toMatchObject({ status: 502, message: 'refresh answered 502' });
  });
});
