import { describe, expect, it } from 'vitest';
import { createAuthSession } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';

const ORIGIN = 'http://127.0.0.1:9';

/** A server stub: 401 unless the bearer token is the current one; records what it received. */
function setup() {
  const seen: { url: string; method: string; authorization: string | null; body: string }[] = [];
  let current = 'old';
  const fetchStub: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.body === null ? '' : await request.text();
    const authorization = request.headers.get('authorization');
    seen.push({ url: request.url, method: request.method, authorization, body });
    return new Response(null, { status: authorization === `Bearer ${current}` ? 200 : 401 });
  };
  const session = createAuthSession({
    tokens: { accessToken: 'old', refreshToken: 'r1', expiresIn: 300 },
    refresh: async () => {
      current = 'new';
      return { accessToken: 'new', refreshToken: 'r2', expiresIn: 300 };
    },
  });
  const expireOnServer = () => (current = 'rotated-away');
  return {
    seen,
    session,
    expireOnServer,
    authFetch: createAuthFetch(session, { fetch: fetchStub, origins: [ORIGIN] }),
  };
}

describe('createAuthFetch replays', () => {
  it('replays a URL request with its string body and the new token, keeping the caller headers', async () => {
    const { seen, session, authFetch, expireOnServer } = setup();
    expireOnServer();
    const response = await authFetch(`${ORIGIN}/api/items`, {
      method: 'POST',
      body: 'payload',
      headers: { 'X-Trace': 't1' },
    });
    expect(response.status).toBe(200);
    expect(seen.map((s) => [s.authorization, s.body])).toEqual([
      ['Bearer old', 'payload'],
      ['Bearer new', 'payload'],
    ]);
    session.stop();
  });

  it('replays a Request input with its body intact', async () => {
    const { seen, session, authFetch, expireOnServer } = setup();
    expireOnServer();
    const response = await authFetch(new Request(`${ORIGIN}/api/items`, { method: 'PUT', body: 'data' }));
    expect(response.status).toBe(200);
    expect(seen.map((s) => [s.method, s.authorization, s.body])).toEqual([
      ['PUT', 'Bearer old', 'data'],
      ['PUT', 'Bearer new', 'data'],
    ]);
    session.stop();
  });

  it('does not mutate the headers object the caller passed', async () => {
    const { session, authFetch } = setup();
    const headers = new Headers({ Accept: 'application/json' });
    await authFetch(`${ORIGIN}/api/items`, { headers });
    expect(headers.has('Authorization')).toBe(false);
    session.stop();
  });

  it('sends no token to an origin that is not allowed', async () => {
    const { seen, session, authFetch } = setup();
    await authFetch('http://127.0.0.2:9/elsewhere');
    expect(seen[0]!.authorization).toBeNull();
    session.stop();
  });

  it('rejects with the abort reason when the caller aborts while waiting for the refresh', async () => {
    const { session, authFetch, expireOnServer } = setup();
    expireOnServer();
    void session.refresh().catch(() => undefined);
    const controller = new AbortController();
    const pending = authFetch(`${ORIGIN}/api/items`, { signal: controller.signal });
    controller.abort(new Error('left the page'));
    await expect(pending).rejects.toThrow('left the page');
    session.stop();
  });
});
