import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthFetch } from '../src/fetch/index.js';
import {
  createAuthSession,
  LoggedOutError,
  QueueFullError,
  RefreshRejectedError,
  SessionExpiredError,
  type AuthSession,
  type AuthSessionOptions,
} from '../src/index.js';

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
  http.all(/^(https:\/\/evil\.example\.net|http:\/\/api\.example\.com|https:\/\/api\.example\.com:8443)\//, ({ request }) => {
    api.authorizations.push({ url: request.url, authorization: request.headers.get('authorization') });
    return HttpResponse.json({ other: true });
  }),
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
    expect(api.authorizations.filter((entry) => entry.authorization !== null).map((entry) => entry.url)).toEqual([`${API}/secret`]);
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
    const rejected = results.filter((result) => result.status === 'rejected') as PromiseRejectedResult[];
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
      ['JSON', () => ({ method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } })],
      ['URLSearchParams', () => ({ method: 'POST', body: new URLSearchParams({ q: 'x y' }) })],
      ['FormData', () => {
        const form = new FormData();
        form.set('field', 'value');
        return { method: 'POST', body: form };
      }],
      ['a Blob', () => ({ method: 'POST', body: new Blob(['blob bytes'], { type: 'text/plain' }) })],
      ['a Request object', () => new Request(`${API}/echo`, { method: 'PUT', body: 'from a Request' })],
      ['a ReadableStream', () => ({
        method: 'POST',
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('streamed '));
            controller.enqueue(new TextEncoder().encode('chunks'));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit)],
    ];

    for (const [name, make] of cases) {
      it(name, async () => {
        const { authFetch } = setup();
        expireAccessTokens();
        const made = make();
        const response = made instanceof Request ? await authFetch(made) : await authFetch(`${API}/echo`, made);
        expect(response.status).toBe(200);
        const { body } = (await response.json()) as { body: string };
        const expected = await new Request(`${API}/echo`, make() instanceof Request ? (make() as Request) : (make() as RequestInit)).text();
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
