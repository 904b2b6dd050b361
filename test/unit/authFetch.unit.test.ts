import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession } from '../../src/createAuthSession.js';
import { bearer, createAuthFetch } from '../../src/fetch/createAuthFetch.js';

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

  it('uses custom isUnauthorized and applyToken', async () => {
    const { session, seen, fetch } = setup((request) => new Response(null, { status: request.headers.get('X-Token') === 't1' ? 419 : 200 }));
    session.login({ accessToken: 't1', expiresIn: 600 });
    const authFetch = createAuthFetch(session, {
      fetch,
      origins: [API],
      isUnauthorized: (response) => response.status === 419,
      applyToken: (headers, tokens) => headers.set('X-Token', tokens.accessToken),
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

  it('bearer sets the Authorization header', () => {
    const headers = new Headers();
    bearer(headers, { accessToken: 'x', refreshToken: null, expiresAt: null });
    expect(headers.get('Authorization')).toBe('Bearer x');
  });
});
