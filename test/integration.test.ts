import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthHttpServer, type AuthHttpServer } from '../server/createAuthHttpServer.js';
import { createAuthFetch } from 'tokenflight/fetch';
import { createAuthSession, RefreshRejectedError, SessionExpiredError, type TokenInput } from 'tokenflight';

let server: AuthHttpServer;

beforeAll(async () => {
  server = await createAuthHttpServer({ host: '127.0.0.1', port: 0, accessTtl: 30, refreshLatency: 30 });
});
afterAll(() => server.close());

async function post(path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function stats() {
  return (await (await fetch(`${server.url}/api/stats`)).json()) as {
    refreshCalls: number;
    refreshOk: number;
    reuseDetected: number;
    unauthorized: number;
  };
}

async function refreshOverHttp({
  refreshToken,
  signal,
}: {
  refreshToken: string | null;
  signal: AbortSignal;
}): Promise<TokenInput> {
  const response = await fetch(`${server.url}/api/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
    signal,
  });
  if (response.status === 401) throw new RefreshRejectedError('refresh token rejected', { status: 401 });
  if (!response.ok)
    throw Object.assign(new Error(`refresh failed with ${response.status}`), { status: response.status });
  return (await response.json()) as TokenInput;
}

describe('against a real server that rotates refresh tokens (127.0.0.1)', () => {
  it('revokes the family when a used refresh token comes back (the failure tokenflight prevents)', async () => {
    await post('/api/debug/reset');
    const login = (await (await post('/api/login', { username: 'ada' })).json()) as { refreshToken: string };
    expect((await post('/api/refresh', { refreshToken: login.refreshToken })).status).toBe(200);
    // A second, racing refresh with the same token: what naive interceptors do.
    expect((await post('/api/refresh', { refreshToken: login.refreshToken })).status).toBe(401);
    expect((await stats()).reuseDetected).toBe(1);
  });

  it('a burst of 50 requests with an expired token all succeed with exactly one refresh', async () => {
    await post('/api/debug/reset');
    const session = createAuthSession({ refresh: refreshOverHttp });
    const authFetch = createAuthFetch(session, { origins: [server.url] });
    session.login((await (await post('/api/login', { username: 'ada' })).json()) as TokenInput);
    expect((await authFetch(`${server.url}/api/secret`)).status).toBe(200);

    await post('/api/debug/expire');
    const before = await stats();
    const responses = await Promise.all(Array.from({ length: 50 }, () => authFetch(`${server.url}/api/secret`)));
    const after = await stats();

    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(after.refreshCalls - before.refreshCalls).toBe(1);
    expect(after.refreshOk - before.refreshOk).toBe(1);
    expect(after.reuseDetected).toBe(0);
    expect(session.status).toBe('idle');
    session.stop();
  });

  it('a stale 401 answered after the refresh makes no second refresh', async () => {
    await post('/api/debug/reset');
    const session = createAuthSession({ refresh: refreshOverHttp });
    const authFetch = createAuthFetch(session, { origins: [server.url] });
    session.login((await (await post('/api/login', { username: 'ada' })).json()) as TokenInput);
    await post('/api/debug/expire');
    // Judged on arrival with the expired token, answered after the burst below has refreshed.
    const slow = authFetch(`${server.url}/api/secret?delay=300`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const fast = await Promise.all(Array.from({ length: 5 }, () => authFetch(`${server.url}/api/secret`)));
    expect(fast.every((response) => response.status === 200)).toBe(true);
    expect((await slow).status).toBe(200);
    expect((await stats()).refreshCalls).toBe(1);
    session.stop();
  });

  it('expires the session for every waiter when the refresh tokens are revoked', async () => {
    await post('/api/debug/reset');
    const session = createAuthSession({ refresh: refreshOverHttp });
    const authFetch = createAuthFetch(session, { origins: [server.url] });
    session.login((await (await post('/api/login', { username: 'ada' })).json()) as TokenInput);
    await post('/api/debug/expire');
    await post('/api/debug/revoke');
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => authFetch(`${server.url}/api/secret`)));
    expect(
      results.every((result) => result.status === 'rejected' && result.reason instanceof SessionExpiredError),
    ).toBe(true);
    expect(session.status).toBe('expired');
    expect((await stats()).refreshCalls).toBe(1);
    // A guest request still works after expiry.
    expect((await authFetch(`${server.url}/api/public`)).status).toBe(200);
    session.stop();
  });
});
