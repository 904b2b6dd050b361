import { http, HttpResponse, delay } from 'msw';
import { getEventListeners } from 'node:events';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { bearerScheme } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';
import { classifyDpopChallenge } from 'tokenflight/oauth';
import {
  createAuthSession,
  LoggedOutError,
  QueueFullError,
  RefreshRejectedError,
  SessionExpiredError,
  type AuthSession,
  type AuthSessionOptions,
} from 'tokenflight';
import { deferred } from './support/deferred.js';
import { flush, refreshStub } from './support/refreshStub.js';

const API = 'https://api.example.com';
const OTHER = 'https://evil.example.net';

/** A tiny API: one valid access token at a time, rotating refresh tokens. */
const api = {
  valid: new Set<string>(['a0']),
  refreshTokens: new Set<string>(['r0']),
  generation: 0,
  refreshCalls: 0,
  refreshMode: 'ok' as 'ok' | 'reject' | 'unavailable-once' | 'hang',
  authorizations: [] as Array<{ url: string; authorization: string | null }>,
  bodies: [] as string[],
  reset() {
    this.valid = new Set(['a0']);
    this.refreshTokens = new Set(['r0']);
    this.generation = 0;
    this.refreshCalls = 0;
    this.refreshMode = 'ok';
    this.authorizations = [];
    this.bodies = [];
  },
};

function tokenOf(request: Request): string | null {
  return request.headers.get('authorization')?.replace(/^Bearer /, '') ?? null;
}

const server = setupServer(
  http.all(`${API}/*`, async ({ request }) => {
    api.authorizations.push({ url: request.url, authorization: request.headers.get('authorization') });
    const url = new URL(request.url);
    if (url.pathname === '/public') return HttpResponse.json({ public: true });
    // A slow route answers late and judges the token then: its 401 can arrive after a refresh.
    if (url.searchParams.has('slow')) await delay(Number(url.searchParams.get('slow')));
    const token = tokenOf(request);
    if (token === null || !api.valid.has(token)) return new HttpResponse(null, { status: 401 });
    if (url.pathname === '/echo') {
      const body = await request.text();
      api.bodies.push(body);
      return HttpResponse.json({ body, contentType: request.headers.get('content-type') });
    }
    if (url.pathname === '/always-401') return new HttpResponse(null, { status: 401 });
    return HttpResponse.json({ secret: 42 });
  }),
  http.all(
    /^(https:\/\/evil\.example\.net|http:\/\/api\.example\.com|https:\/\/api\.example\.com:8443)\//,
    ({ request }) => {
      api.authorizations.push({ url: request.url, authorization: request.headers.get('authorization') });
      return HttpResponse.json({ other: true });
    },
  ),
  http.post('https://auth.example.com/refresh', async ({ request }) => {
    api.refreshCalls++;
    const { refreshToken } = (await request.json()) as { refreshToken: string };
    if (api.refreshMode === 'hang') await delay('infinite');
    if (api.refreshMode === 'unavailable-once') {
      api.refreshMode = 'ok';
      return new HttpResponse(null, { status: 503 });
    }
    if (api.refreshMode === 'reject' || !api.refreshTokens.delete(refreshToken)) {
      return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
    }
    await delay(20);
    api.generation++;
    api.valid = new Set([`a${api.generation}`]);
    api.refreshTokens.add(`r${api.generation}`);
    return HttpResponse.json({ accessToken: `a${api.generation}`, refreshToken: `r${api.generation}`, expiresIn: 300 });
  }),
);

async function refreshOverHttp({ refreshToken, signal }: { refreshToken: string | null; signal: AbortSignal }) {
  const response = await fetch('https://auth.example.com/refresh', {
    method: 'POST',
    body: JSON.stringify({ refreshToken }),
    signal,
  });
  if (!response.ok) throw Object.assign(new Error(`refresh failed: ${response.status}`), { status: response.status });
  return response.json() as Promise<{ accessToken: string; refreshToken: string; expiresIn: number }>;
}

const sessions: AuthSession[] = [];
function setup(options: Partial<AuthSessionOptions> = {}) {
  const session = createAuthSession({
    refresh: refreshOverHttp,
    tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 300 },
    retry: { retries: 2, minDelay: 5, maxDelay: 10 },
    ...options,
  });
  sessions.push(session);
  return { session, authFetch: createAuthFetch(session, { origins: [API] }) };
}

function expireAccessTokens() {
  api.valid.clear();
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
  api.reset();
  server.resetHandlers();
});
afterAll(() => server.close());

describe('createAuthFetch', () => {
  it('attaches the token to allowed origins only', async () => {
    const { authFetch } = setup();
    await authFetch(`${API}/secret`);
    await authFetch(`${OTHER}/collect`);
    await authFetch('http://api.example.com/secret');
    await authFetch('https://api.example.com:8443/secret');
    expect(api.authorizations.filter((entry) => entry.authorization !== null).map((entry) => entry.url)).toEqual([
      `${API}/secret`,
    ]);
  });

  it('gives no token to anyone when no origin is allowed (Node has no page origin)', async () => {
    const { session } = setup();
    const authFetch = createAuthFetch(session);
    const response = await authFetch(`${API}/secret`);
    expect(response.status).toBe(401);
    expect(api.authorizations.every((entry) => entry.authorization === null)).toBe(true);
    expect(api.refreshCalls).toBe(0);
  });

  it('rejects origins that are not origins', () => {
    const { session } = setup();
    expect(() => createAuthFetch(session, { origins: ['not a url'] })).toThrow(TypeError);
  });

  it('makes one refresh for a burst of concurrent 401s and replays every request once', async () => {
    const { authFetch } = setup();
    expireAccessTokens();
    const responses = await Promise.all(Array.from({ length: 30 }, () => authFetch(`${API}/secret`)));
    expect(responses.map((response) => response.status)).toEqual(Array(30).fill(200));
    expect(api.refreshCalls).toBe(1);
    const withNewToken = api.authorizations.filter((entry) => entry.authorization === 'Bearer a1');
    expect(withNewToken).toHaveLength(30);
  });

  it('does not refresh for a stale 401: a request sent with the old token answered after the refresh', async () => {
    const { session, authFetch } = setup();
    const slow = authFetch(`${API}/secret?slow=150`);
    await delay(10);
    expireAccessTokens();
    expect((await authFetch(`${API}/secret`)).status).toBe(200);
    expect(session.tokens?.accessToken).toBe('a1');
    expect((await slow).status).toBe(200);
    expect(api.refreshCalls).toBe(1);
    const slowAttempts = api.authorizations.filter((entry) => entry.url.includes('slow'));
    expect(slowAttempts.map((entry) => entry.authorization)).toEqual(['Bearer a0', 'Bearer a1']);
  });

  it('returns a second 401 as it is instead of looping', async () => {
    const { authFetch } = setup();
    const response = await authFetch(`${API}/always-401`);
    expect(response.status).toBe(401);
    expect(api.refreshCalls).toBe(1);
    expect(api.authorizations.filter((entry) => entry.url.endsWith('/always-401'))).toHaveLength(2);
  });

  it('rejects every waiting request with SessionExpiredError when the refresh token is rejected', async () => {
    const { session, authFetch } = setup();
    expireAccessTokens();
    api.refreshMode = 'reject';
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => authFetch(`${API}/secret`)));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(SessionExpiredError);
    }
    expect(api.refreshCalls).toBe(1);
    expect(session.status).toBe('expired');
  });

  it('rejects waiting requests with LoggedOutError on logout during the refresh and drops the late result', async () => {
    const { session, authFetch } = setup();
    expireAccessTokens();
    const requests = Array.from({ length: 3 }, () => authFetch(`${API}/secret`));
    await delay(5);
    expect(session.status).toBe('refreshing');
    session.logout();
    for (const request of requests) await expect(request).rejects.toBeInstanceOf(LoggedOutError);
    await delay(40);
    expect(session.tokens).toBeNull();
  });

  it('retries a refresh answered 503', async () => {
    const { authFetch } = setup();
    expireAccessTokens();
    api.refreshMode = 'unavailable-once';
    expect((await authFetch(`${API}/secret`)).status).toBe(200);
    expect(api.refreshCalls).toBe(2);
  });

  it('aborts a hung refresh after refreshTimeout', async () => {
    const { session, authFetch } = setup({ refreshTimeout: 50, retry: { retries: 0 } });
    expireAccessTokens();
    api.refreshMode = 'hang';
    await expect(authFetch(`${API}/secret`)).rejects.toMatchObject({ name: 'RefreshTimeoutError' });
    expect(session.status).toBe('idle');
  });

  it('holds the queue limit', async () => {
    const { authFetch } = setup({ maxQueue: 4 });
    expireAccessTokens();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => authFetch(`${API}/secret`)));
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(rejected).toHaveLength(6);
    expect(rejected.every((result) => result.reason instanceof QueueFullError)).toBe(true);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(4);
  });

  it('sends a guest request without a token and returns the answer as is', async () => {
    const session = createAuthSession({ refresh: refreshOverHttp });
    sessions.push(session);
    const authFetch = createAuthFetch(session, { origins: [API] });
    expect((await authFetch(`${API}/public`)).status).toBe(200);
    expect((await authFetch(`${API}/secret`)).status).toBe(401);
    expect(api.authorizations.every((entry) => entry.authorization === null)).toBe(true);
    expect(api.refreshCalls).toBe(0);
  });

  it('lets shouldAuthorize narrow, never widen, and a scheme choose the header', async () => {
    const { session } = setup();
    const authFetch = createAuthFetch(session, {
      origins: [API],
      shouldAuthorize: (request) => !request.url.endsWith('/public'),
      scheme: { authorize: ({ headers }, tokens) => headers.set('authorization', `Bearer ${tokens.accessToken}`) },
    });
    await authFetch(`${API}/public`);
    await authFetch(`${API}/secret`);
    const widening = createAuthFetch(session, { origins: [API], shouldAuthorize: () => true });
    await widening(`${OTHER}/x`);
    expect(api.authorizations.map((entry) => entry.authorization)).toEqual([null, 'Bearer a0', null]);
  });

  it('stops waiting when the caller aborts', async () => {
    const { session, authFetch } = setup();
    api.refreshMode = 'hang';
    const refreshing = session.refresh();
    refreshing.catch(() => undefined);
    const controller = new AbortController();
    const request = authFetch(`${API}/secret`, { signal: controller.signal });
    controller.abort(new Error('user left the page'));
    await expect(request).rejects.toThrow('user left the page');
  });

  describe('replays bodies intact', () => {
    const cases: Array<[string, () => RequestInit | Request]> = [
      ['a string', () => ({ method: 'POST', body: 'plain text' })],
      [
        'JSON',
        () => ({ method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } }),
      ],
      ['URLSearchParams', () => ({ method: 'POST', body: new URLSearchParams({ q: 'x y' }) })],
      [
        'FormData',
        () => {
          const form = new FormData();
          form.set('field', 'value');
          return { method: 'POST', body: form };
        },
      ],
      ['a Blob', () => ({ method: 'POST', body: new Blob(['blob bytes'], { type: 'text/plain' }) })],
      ['a Request object', () => new Request(`${API}/echo`, { method: 'PUT', body: 'from a Request' })],
      [
        'a ReadableStream',
        () =>
          ({
            method: 'POST',
            body: new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('streamed '));
                controller.enqueue(new TextEncoder().encode('chunks'));
                controller.close();
              },
            }),
            duplex: 'half',
          }) as RequestInit,
      ],
    ];

    for (const [name, make] of cases) {
      it(name, async () => {
        const { authFetch } = setup();
        expireAccessTokens();
        const made = make();
        const response = made instanceof Request ? await authFetch(made) : await authFetch(`${API}/echo`, made);
        expect(response.status).toBe(200);
        const { body } = (await response.json()) as { body: string };
        const expected = await new Request(`${API}/echo`, make()).text();
        if (name === 'FormData') expect(body).toContain('name="field"');
        else expect(body).toBe(expected);
        expect(api.refreshCalls).toBe(1);
      });
    }
  });

  it('uses RefreshRejectedError as terminal', async () => {
    const session = createAuthSession({
      refresh: async () => {
        throw new RefreshRejectedError();
      },
      tokens: { accessToken: 'a0' },
    });
    sessions.push(session);
    const authFetch = createAuthFetch(session, { origins: [API] });
    expireAccessTokens();
    await expect(authFetch(`${API}/secret`)).rejects.toBeInstanceOf(SessionExpiredError);
  });
});

// The same adapter over a stand-in fetch the test answers itself, for what a real server cannot show.
describe('createAuthFetch over a stand-in fetch', () => {
  const API = 'https://api.example.test';

  function setup(answer: (request: Request) => Response = () => new Response('ok')) {
    let version = 1;
    const session = createAuthSession({ refresh: async () => ({ accessToken: `t${++version}`, expiresIn: 600 }) });
    const seen: { url: string; authorization: string | null; body: string | null }[] = [];
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      seen.push({
        url: request.url,
        authorization: request.headers.get('Authorization'),
        body: request.body ? await request.text() : null,
      });
      return answer(request);
    });
    return { session, seen, fetch };
  }

  afterEach(() => vi.unstubAllGlobals());

  it('attaches the token for allowed origins only', async () => {
    const { session, seen, fetch } = setup();
    session.login({ accessToken: 't1', expiresIn: 600 });
    const authFetch = createAuthFetch(session, { fetch, origins: [API] });
    await authFetch(`${API}/a`);
    await authFetch('https://other.example.test/a');
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer t1', null]);
  });

  it("replaces the caller's own Authorization header whatever its case, and keeps the other headers", async () => {
    const { session, fetch } = setup();
    session.login({ accessToken: 't1', expiresIn: 600 });
    const authFetch = createAuthFetch(session, { fetch, origins: [API] });
    for (const headers of [
      { authorization: 'Bearer mine', 'X-Trace': '1' },
      [
        ['AUTHORIZATION', 'Bearer mine'],
        ['X-Trace', '1'],
      ] as [string, string][],
      new Headers({ Authorization: 'Bearer mine', 'X-Trace': '1' }),
    ]) {
      await authFetch(`${API}/a`, { headers });
    }
    const sent = fetch.mock.calls.map(([input, init]) => new Request(input, init).headers);
    expect(sent.map((headers) => [headers.get('authorization'), headers.get('x-trace')])).toEqual(
      Array(3).fill(['Bearer t1', '1']),
    );
  });

  it('sends without a token while logged out or expired', async () => {
    const { session, seen, fetch } = setup();
    await createAuthFetch(session, { fetch, origins: [API] })(`${API}/a`);
    expect(seen[0]?.authorization).toBeNull();
  });

  it('shouldAuthorize narrows who gets a token', async () => {
    const { session, seen, fetch } = setup();
    session.login({ accessToken: 't1', expiresIn: 600 });
    const authFetch = createAuthFetch(session, {
      fetch,
      origins: [API],
      shouldAuthorize: (request) => !request.url.endsWith('/public'),
    });
    await authFetch(`${API}/public`);
    await authFetch(`${API}/private`);
    expect(seen.map((s) => s.authorization)).toEqual([null, 'Bearer t1']);
  });

  it('replays a 401 once with the refreshed token, body intact, and returns a second 401 as is', async () => {
    const { session, seen, fetch } = setup(
      (request) => new Response(null, { status: request.headers.get('Authorization') === 'Bearer t1' ? 401 : 200 }),
    );
    session.login({ accessToken: 't1', expiresIn: 600 });
    const authFetch = createAuthFetch(session, { fetch, origins: [API] });
    const response = await authFetch(`${API}/a`, { method: 'POST', body: 'payload' });
    expect(response.status).toBe(200);
    expect(seen).toEqual([
      { url: `${API}/a`, authorization: 'Bearer t1', body: 'payload' },
      { url: `${API}/a`, authorization: 'Bearer t2', body: 'payload' },
    ]);

    const always401 = setup(() => new Response(null, { status: 401 }));
    always401.session.login({ accessToken: 't1', expiresIn: 600 });
    const second = await createAuthFetch(always401.session, { fetch: always401.fetch, origins: [API] })(`${API}/a`);
    expect(second.status).toBe(401);
    expect(always401.fetch).toHaveBeenCalledTimes(2);
  });

  it('uses a custom isUnauthorized and scheme', async () => {
    const { session, seen, fetch } = setup(
      (request) => new Response(null, { status: request.headers.get('X-Token') === 't1' ? 419 : 200 }),
    );
    session.login({ accessToken: 't1', expiresIn: 600 });
    const authFetch = createAuthFetch(session, {
      fetch,
      origins: [API],
      isUnauthorized: (response) => response.status === 419,
      scheme: { authorize: ({ headers }, tokens) => headers.set('X-Token', tokens.accessToken) },
    });
    expect((await authFetch(`${API}/a`)).status).toBe(200);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(seen[0]?.authorization).toBeNull();
  });

  it('a caller that aborts stops waiting for the token', async () => {
    const session = createAuthSession({ refresh: () => new Promise(() => {}) });
    session.login({ accessToken: 't1', expiresAt: Date.now() - 1 });
    const fetch = vi.fn(async () => new Response('ok'));
    const authFetch = createAuthFetch(session, { fetch, origins: [API] });
    const controller = new AbortController();
    const pending = authFetch(`${API}/a`, { signal: controller.signal });
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toThrow('user left');
    const already = new AbortController();
    already.abort(new Error('gone'));
    await expect(authFetch(`${API}/a`, { signal: already.signal })).rejects.toThrow('gone');
    expect(fetch).not.toHaveBeenCalled();
    session.stop();
  });

  it('defaults to the global fetch at call time and to the page origin', async () => {
    const { session, seen, fetch } = setup();
    session.login({ accessToken: 't1', expiresIn: 600 });
    vi.stubGlobal('location', { origin: API, href: `${API}/` });
    const authFetch = createAuthFetch(session);
    vi.stubGlobal('fetch', fetch);
    await authFetch(`${API}/a`);
    expect(seen[0]?.authorization).toBe('Bearer t1');
  });

  it('bearerScheme sets the Authorization header', () => {
    const headers = new Headers();
    void bearerScheme.authorize(
      { method: 'GET', url: new URL(API), headers },
      { accessToken: 'x', refreshToken: null, expiresAt: null, tokenType: null, scope: null },
    );
    expect(headers.get('Authorization')).toBe('Bearer x');
  });

  it('gives a Request input the token only for allowed origins and only where shouldAuthorize agrees', async () => {
    const { session, seen, fetch } = setup();
    session.login({ accessToken: 't1', expiresIn: 600 });
    const authFetch = createAuthFetch(session, {
      fetch,
      origins: [API],
      shouldAuthorize: (request) => !request.url.endsWith('/public'),
    });
    await authFetch(new Request('https://other.example.test/a'));
    await authFetch(new Request(`${API}/public`));
    await authFetch(new Request(`${API}/private`));
    await createAuthFetch(session, { fetch, origins: [API] })(new Request('https://other.example.test/b'));
    expect(seen.map((s) => s.authorization)).toEqual([null, null, 'Bearer t1', null]);
  });

  it('hands a relative URL to fetch as it is, with the token when the page origin is allowed', async () => {
    const session = createAuthSession({ refresh: async () => ({ accessToken: 'unused' }) });
    session.login({ accessToken: 't1', expiresIn: 600 });
    vi.stubGlobal('location', { origin: API, href: `${API}/app/` });
    const calls: { input: unknown; authorization: string | null }[] = [];
    const authFetch = createAuthFetch(session, {
      fetch: async (input, init) => {
        calls.push({ input, authorization: new Headers(init?.headers).get('Authorization') });
        return new Response('ok');
      },
    });
    expect((await authFetch('items?page=2')).status).toBe(200);
    expect(calls).toEqual([{ input: 'items?page=2', authorization: 'Bearer t1' }]);
    session.stop();
  });

  it('sends requests from the hot path at once: maxConcurrentReplays only limits requests released by a refresh', async () => {
    const { session } = setup();
    session.login({ accessToken: 't1', expiresIn: 600 });
    const answers = [deferred<Response>(), deferred<Response>()];
    let arrived = 0;
    const authFetch = createAuthFetch(session, {
      fetch: () => answers[arrived++]!.promise,
      origins: [API],
      maxConcurrentReplays: 1,
    });
    const responses = [authFetch(`${API}/a`), authFetch(`${API}/b`)];
    await flush(20);
    expect(arrived).toBe(2);
    for (const answer of answers) answer.resolve(new Response('ok'));
    expect((await Promise.all(responses)).map((response) => response.status)).toEqual([200, 200]);
    session.stop();
  });

  it('leaves no abort listener on the caller’s signal after a request, answered or aborted', async () => {
    const stub = refreshStub();
    const session = createAuthSession({ refresh: stub.refresh, tokens: { accessToken: 't1', expiresIn: 600 } });
    // This fetch never looks at the signal, so every listener left on it would be tokenflight's.
    const authFetch = createAuthFetch(session, { fetch: async () => new Response('ok'), origins: [API] });
    const pageSignal = new AbortController().signal;
    await authFetch(`${API}/a`, { signal: pageSignal });
    await authFetch(`${API}/b`, { signal: pageSignal });
    expect(getEventListeners(pageSignal, 'abort')).toHaveLength(0);

    void session.refresh().catch(() => undefined);
    const controller = new AbortController();
    const waiting = authFetch(`${API}/c`, { signal: controller.signal });
    await flush();
    controller.abort(new Error('user left'));
    await expect(waiting).rejects.toThrow('user left');
    // The refresh is still out: the session has not answered this caller yet.
    expect(stub.calls).toHaveLength(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    session.stop();
  });

  it('leaves no abort listener on the caller’s signal after waiting out a refresh', async () => {
    const stub = refreshStub();
    const session = createAuthSession({ refresh: stub.refresh, tokens: { accessToken: 't1', expiresIn: 600 } });
    const authFetch = createAuthFetch(session, { fetch: async () => new Response('ok'), origins: [API] });
    const pageSignal = new AbortController().signal;
    const refreshed = session.refresh();
    const waiting = authFetch(`${API}/a`, { signal: pageSignal });
    await flush();
    stub.last().answer.resolve({ accessToken: 't2', expiresIn: 600 });
    await refreshed;
    expect((await waiting).status).toBe(200);
    expect(getEventListeners(pageSignal, 'abort')).toHaveLength(0);
    session.stop();
  });

  it('after the session expired, sends requests as they are and hands back their 401', async () => {
    const session = createAuthSession({
      refresh: async () => {
        throw new RefreshRejectedError();
      },
      tokens: { accessToken: 't1', refreshToken: 'r1', expiresIn: 600 },
    });
    const seen: Array<string | null> = [];
    const authFetch = createAuthFetch(session, {
      origins: [API],
      fetch: async (_input, init) => {
        seen.push(new Headers(init?.headers).get('Authorization'));
        return new Response(null, { status: 401 });
      },
    });
    await expect(authFetch(`${API}/a`)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(session.status).toBe('expired');
    expect((await authFetch(`${API}/b`)).status).toBe(401);
    expect(seen).toEqual(['Bearer t1', null]);
    session.stop();
  });

  it('with an expired session, sends the request without a token and returns the answer as is', async () => {
    const session = createAuthSession({ refresh: async () => Promise.reject(new RefreshRejectedError()) });
    session.login({ accessToken: 't1', refreshToken: 'r1', expiresIn: 600 });
    await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    const fetch = vi.fn(
      async (input: RequestInfo | URL, init?: RequestInit) =>
        new Response(null, { status: new Request(input, init).headers.has('Authorization') ? 200 : 401 }),
    );
    const response = await createAuthFetch(session, {
      fetch,
      origins: ['https://api.example.test'],
    })('https://api.example.test/a');
    expect(response.status).toBe(401);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('createAuthFetch: what the scheme and the stand-in fetch see', () => {
  const API = 'https://api.example.test';
  const sessions: AuthSession[] = [];
  afterEach(() => {
    for (const session of sessions.splice(0)) session.stop();
  });

  function loggedIn() {
    let version = 1;
    const session = createAuthSession({ refresh: async () => ({ accessToken: `t${++version}`, expiresIn: 600 }) });
    session.login({ accessToken: 't1', expiresIn: 600 });
    sessions.push(session);
    return session;
  }

  it.each(['delete', 'get', 'head', 'options', 'post', 'put'])(
    'hands the scheme the method %s uppercased, as fetch sends it',
    async (method) => {
      const methods: string[] = [];
      const authFetch = createAuthFetch(loggedIn(), {
        origins: [API],
        fetch: async () => new Response(null),
        scheme: { authorize: (request) => void methods.push(request.method) },
      });
      await authFetch(`${API}/a`, { method });
      expect(methods).toEqual([method.toUpperCase()]);
    },
  );

  it('hands the scheme other methods as given (fetch does not uppercase PATCH), and GET when none is given', async () => {
    // A lowercase 'patch' is the point here; Node's fetch warns about it (UNDICI-FETCH-patch) once per process.
    const emitWarning = process.emitWarning;
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation((warning, ...rest: unknown[]) => {
      const options = rest[0];
      const expected =
        typeof options === 'object' && options !== null && Reflect.get(options, 'code') === 'UNDICI-FETCH-patch';
      if (!expected) Reflect.apply(emitWarning, process, [warning, ...rest]);
    });
    onTestFinished(() => warnings.mockRestore());
    const methods: string[] = [];
    const authFetch = createAuthFetch(loggedIn(), {
      origins: [API],
      fetch: async () => new Response(null),
      scheme: { authorize: (request) => void methods.push(request.method) },
    });
    await authFetch(`${API}/a`, { method: 'patch' });
    await authFetch(`${API}/a`, { method: 'Report' });
    await authFetch(`${API}/a`);
    expect(methods).toEqual(['patch', 'Report', 'GET']);
  });

  it('rejects a scheme without an authorize function with a clear TypeError when the adapter is made', () => {
    const session = loggedIn();
    const cases: [unknown, string][] = [
      [{}, 'an object'],
      [{ authorize: 'Bearer' }, 'an object'],
      ['bearer', '"bearer"'],
    ];
    for (const [scheme, got] of cases) {
      expect(() => createAuthFetch(session, { scheme: scheme as never })).toThrow(
        new TypeError(
          `tokenflight: scheme must be a token scheme with an authorize function (bearerScheme, headerScheme(name)), got ${got}`,
        ),
      );
    }
  });

  it('rejects the request with a TypeError when classify answers something other than refresh, retry or pass', async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 401 }));
    const authFetch = createAuthFetch(loggedIn(), {
      origins: [API],
      fetch,
      scheme: { ...bearerScheme, classify: () => 'later' as never },
    });
    await expect(authFetch(`${API}/a`)).rejects.toThrow(
      new TypeError('tokenflight: classify answered later, not refresh, retry or pass'),
    );
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('hands headers given as a plain record to fetch as a record, the token set once whatever the case of the caller’s key', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => new Response(null));
    await createAuthFetch(loggedIn(), { origins: [API], fetch })(`${API}/a`, {
      headers: { authorization: 'Bearer mine', 'X-Trace': '1' },
    });
    expect(fetch.mock.calls[0]?.[1]?.headers).toStrictEqual({ 'X-Trace': '1', Authorization: 'Bearer t1' });
  });

  it('keeps the headers of a Headers implementation other than the global one (a polyfill), read through its iterator', async () => {
    class PolyfillHeaders {
      private readonly entries: Array<[string, string]> = [['x-trace', '1']];
      [Symbol.iterator]() {
        return this.entries[Symbol.iterator]();
      }
    }
    const fetch = vi.fn<typeof globalThis.fetch>(async () => new Response(null));
    await createAuthFetch(loggedIn(), { origins: [API], fetch })(`${API}/a`, {
      headers: new PolyfillHeaders() as unknown as HeadersInit,
    });
    const sent = new Request(`${API}/a`, fetch.mock.calls[0]?.[1]).headers;
    expect([sent.get('x-trace'), sent.get('authorization')]).toEqual(['1', 'Bearer t1']);
  });

  it('shows the scheme’s observe every answer, accepted ones on the hot path too', async () => {
    const seen: Array<[number, string, string | null]> = [];
    const authFetch = createAuthFetch(loggedIn(), {
      origins: [API],
      fetch: async () => new Response(null, { headers: { 'DPoP-Nonce': 'n1' } }),
      scheme: {
        ...bearerScheme,
        observe: (response) => void seen.push([response.status, response.url.href, response.headers.get('DPoP-Nonce')]),
      },
    });
    expect((await authFetch(`${API}/a`)).status).toBe(200);
    expect(seen).toEqual([[200, `${API}/a`, 'n1']]);
  });

  it('does not send a request whose signal is already aborted, even when a token is at hand', async () => {
    const fetch = vi.fn(async () => new Response(null));
    const already = new AbortController();
    already.abort(new Error('gone'));
    await expect(
      createAuthFetch(loggedIn(), { origins: [API], fetch })(`${API}/a`, { signal: already.signal }),
    ).rejects.toThrow('gone');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('cancels the body of a refused answer it replays, so its connection is freed', async () => {
    let cancelled = 0;
    let sends = 0;
    const fetch = async () =>
      ++sends === 1
        ? new Response(new ReadableStream({ cancel: () => void (cancelled += 1) }), { status: 401 })
        : new Response('ok');
    const response = await createAuthFetch(loggedIn(), { origins: [API], fetch })(`${API}/a`);
    expect(await response.text()).toBe('ok');
    expect(cancelled).toBe(1);
  });

  it('sends a Request body intact on the first send, on a retry with the same token, and on the replay after a refresh', async () => {
    const seen: Array<[string | null, string]> = [];
    const answers = [
      () => new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' } }),
      () => new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }),
      () => new Response('ok'),
    ];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      seen.push([request.headers.get('Authorization'), await request.text()]);
      return answers[seen.length - 1]!();
    };
    // Refusals read as the DPoP scheme reads them: a nonce request is a retry.
    const authFetch = createAuthFetch(loggedIn(), {
      origins: [API],
      fetch,
      scheme: { ...bearerScheme, classify: classifyDpopChallenge },
    });
    const response = await authFetch(new Request(`${API}/a`, { method: 'POST', body: 'payload' }));
    expect(response.status).toBe(200);
    expect(seen).toEqual([
      ['Bearer t1', 'payload'],
      ['Bearer t1', 'payload'],
      ['Bearer t2', 'payload'],
    ]);
  });
});
