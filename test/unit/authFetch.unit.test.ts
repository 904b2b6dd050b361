import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession } from '../../src/createAuthSession.js';
import { RefreshRejectedError, SessionExpiredError } from '../../src/index.js';
import { bearerScheme } from '../../src/adapters/scheme.js';
import { createAuthFetch } from '../../src/fetch/createAuthFetch.js';
import { deferred } from '../support/deferred.js';
import { flush, refreshStub } from '../support/refreshStub.js';

const API = 'https://api.example.test';

function setup(answer: (request: Request) => Response = () => new Response('ok')) {
  let version = 1;
  const session = createAuthSession({ refresh: async () => ({ accessToken: `t${++version}`, expiresIn: 600 }) });
  const seen: { url: string; authorization: string | null; body: string | null }[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push({ url: request.url, authorization: request.headers.get('Authorization'), body: request.body ? await request.text() : null });
    return answer(request);
  });
  return { session, seen, fetch };
}

afterEach(() => vi.unstubAllGlobals());

describe('createAuthFetch', () => {
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
    for (const headers of [{ authorization: 'Bearer mine', 'X-Trace': '1' }, [['AUTHORIZATION', 'Bearer mine'], ['X-Trace', '1']] as [string, string][], new Headers({ Authorization: 'Bearer mine', 'X-Trace': '1' })]) {
      await authFetch(`${API}/a`, { headers });
    }
    const sent = fetch.mock.calls.map(([input, init]) => new Request(input, init).headers);
    expect(sent.map((headers) => [headers.get('authorization'), headers.get('x-trace')])).toEqual(Array(3).fill(['Bearer t1', '1']));
  });

  it('sends without a token while logged out or expired', async () => {
    const { session, seen, fetch } = setup();
    await createAuthFetch(session, { fetch, origins: [API] })(`${API}/a`);
    expect(seen[0]?.authorization).toBeNull();
  });

  it('shouldAuthorize narrows who gets a token', async () => {
    const { session, seen, fetch } = setup();
    session.login({ accessToken: 't1', expiresIn: 600 });
    const authFetch = createAuthFetch(session, { fetch, origins: [API], shouldAuthorize: (request) => !request.url.endsWith('/public') });
    await authFetch(`${API}/public`);
    await authFetch(`${API}/private`);
    expect(seen.map((s) => s.authorization)).toEqual([null, 'Bearer t1']);
  });

  it('replays a 401 once with the refreshed token, body intact, and returns a second 401 as is', async () => {
    const { session, seen, fetch } = setup((request) => new Response(null, { status: request.headers.get('Authorization') === 'Bearer t1' ? 401 : 200 }));
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
    const { session, seen, fetch } = setup((request) => new Response(null, { status: request.headers.get('X-Token') === 't1' ? 419 : 200 }));
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
    void bearerScheme.authorize({ method: 'GET', url: new URL(API), headers }, { accessToken: 'x', refreshToken: null, expiresAt: null, tokenType: null, scope: null });
    expect(headers.get('Authorization')).toBe('Bearer x');
  });

  it('gives a Request input the token only for allowed origins and only where shouldAuthorize agrees', async () => {
    const { session, seen, fetch } = setup();
    session.login({ accessToken: 't1', expiresIn: 600 });
    const authFetch = createAuthFetch(session, { fetch, origins: [API], shouldAuthorize: (request) => !request.url.endsWith('/public') });
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
    const authFetch = createAuthFetch(session, { fetch: () => answers[arrived++]!.promise, origins: [API], maxConcurrentReplays: 1 });
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
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) =>
      new Response(null, { status: new Request(input, init).headers.has('Authorization') ? 200 : 401 }));
    const response = await createAuthFetch(session, { fetch: fetch as typeof globalThis.fetch, origins: ['https://api.example.test'] })(
      'https://api.example.test/a',
    );
    expect(response.status).toBe(401);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
