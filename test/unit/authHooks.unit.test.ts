import ky from 'ky';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession } from '../../src/session/createAuthSession.js';
import { authHooks, type KyAuthOptions } from '../../src/ky/index.js';
import { flush, refreshStub } from '../support/refreshStub.js';

// Not served by any mock: only the fetch handed to ky can answer it.
const API = 'https://ky-unit.example.test';

const sessions: AuthSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

function loggedIn() {
  const stub = refreshStub();
  const session = createAuthSession({
    refresh: stub.refresh,
    retry: { retries: 0 },
    tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 600 },
  });
  sessions.push(session);
  return { session, stub };
}

/** ky's `fetch` option: records what arrives, 401 unless the bearer token is in `accepted`. */
function fakeFetch(accepted: string[] = ['a0']) {
  const seen: Array<{ authorization: string | null; mine: string | null }> = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const authorization = request.headers.get('authorization');
    seen.push({ authorization, mine: request.headers.get('x-mine') });
    const ok = authorization !== null && accepted.includes(authorization.replace(/^Bearer /, ''));
    return new Response(null, { status: ok ? 200 : 401 });
  };
  return { fetch, seen };
}

function client(session: AuthSession, fetch: typeof globalThis.fetch, options: KyAuthOptions = {}) {
  const hooks = authHooks(session, { origins: [API], ...options });
  return ky.create({
    prefixUrl: API,
    retry: 0,
    throwHttpErrors: false,
    fetch,
    // A hook of the caller's after tokenflight's.
    hooks: {
      beforeRequest: [...hooks.beforeRequest, (request) => request.headers.set('x-mine', '1')],
      afterResponse: hooks.afterResponse,
    },
  });
}

describe('authHooks (ky) without a network', () => {
  it('skips only a call marked skip: true; another mark or a null one still gets the token', async () => {
    const { session } = loggedIn();
    const server = fakeFetch();
    const http = client(session, server.fetch);
    await http.get('a', { context: { tokenflight: { skip: true } } });
    await http.get('a', { context: { tokenflight: { skip: false } } });
    await http.get('a', { context: { tokenflight: {} } });
    await http.get('a', { context: { tokenflight: null } });
    expect(server.seen.map((s) => s.authorization)).toEqual([null, 'Bearer a0', 'Bearer a0', 'Bearer a0']);
  });

  it('returns the 401 of a skipped call as is, even when it carries its own bearer token', async () => {
    const { session, stub } = loggedIn();
    const server = fakeFetch();
    const http = client(session, server.fetch);
    const response = await http.get('a', {
      headers: { Authorization: 'Bearer its-own' },
      context: { tokenflight: { skip: true } },
    });
    expect(response.status).toBe(401);
    expect(server.seen.map((s) => s.authorization)).toEqual(['Bearer its-own']);
    expect(stub.calls).toHaveLength(0);
  });

  it('replays a 401 through the fetch given to ky', async () => {
    const { session, stub } = loggedIn();
    const server = fakeFetch(['a1']);
    const response = client(session, server.fetch).get('a');
    for (let i = 0; i < 100 && stub.calls.length === 0; i++) await flush();
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 600 });
    expect((await response).status).toBe(200);
    expect(server.seen.map((s) => s.authorization)).toEqual(['Bearer a0', 'Bearer a1']);
  });

  it('without maxConcurrentReplays, runs your later beforeRequest hooks for every request, also one that waited for a refresh', async () => {
    const { session, stub } = loggedIn();
    const server = fakeFetch(['a0', 'a1']);
    const http = client(session, server.fetch);
    expect((await http.get('hot')).status).toBe(200);
    const refreshed = session.refresh();
    const queued = http.get('queued');
    await flush(20);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 600 });
    await refreshed;
    expect((await queued).status).toBe(200);
    expect(server.seen).toEqual([
      { authorization: 'Bearer a0', mine: '1' },
      { authorization: 'Bearer a1', mine: '1' },
    ]);
  });
});
