import axios from 'axios';
import ky from 'ky';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { attachAuth } from '../src/axios/index.js';
import { createAuthFetch } from '../src/fetch/index.js';
import { createAuthSession, RefreshRejectedError, type AuthSession } from '../src/index.js';
import { authHooks } from '../src/ky/index.js';
import { API, useApi } from './support/api.js';

// The setups the README's HTTP clients section shows, run as written against the msw API.
const { api } = useApi();

function serveRefresh() {
  api.server.use(
    http.post(`${API}/refresh`, async ({ request }) => {
      if (request.headers.get('authorization') !== null) return new HttpResponse(null, { status: 400 });
      const { refreshToken } = (await request.json()) as { refreshToken: string };
      if (refreshToken !== 'r0') return new HttpResponse(null, { status: 401 });
      return HttpResponse.json({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 900 });
    }),
  );
}

const loggedIn = { accessToken: 'a0', refreshToken: 'r0', expiresIn: 900 };

describe("the README's HTTP clients section", () => {
  it('fetch', async () => {
    serveRefresh();
    // --- snippet: fetch ---
    const session = createAuthSession({
      tokens: loggedIn,
      // Plain fetch: the refresh call never passes through authFetch.
      refresh: async ({ refreshToken, signal }) => {
        const response = await fetch(`${API}/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken }),
          signal,
        });
        if (response.status === 401) throw new RefreshRejectedError();
        if (!response.ok)
          throw Object.assign(new Error(`refresh failed: ${response.status}`), { status: response.status });
        return response.json();
      },
    });
    const authFetch = createAuthFetch(session, { origins: [API], maxConcurrentReplays: 6 });
    const secret: unknown = await (await authFetch(`${API}/secret`)).json();
    // --- end of snippet ---
    await expectRefreshedOnce(session, secret, () => authFetch(`${API}/secret`).then((r) => r.json()));
  });

  it('axios', async () => {
    serveRefresh();
    // --- snippet: axios ---
    const api = axios.create({ baseURL: API });
    const session = createAuthSession({
      tokens: loggedIn,
      // The marker keeps the refresh call itself out of the interceptors.
      refresh: async ({ refreshToken, signal }) =>
        (await api.post('/refresh', { refreshToken }, { signal, tokenflight: { skip: true } })).data,
    });
    const detach = attachAuth(session, api, { maxConcurrentReplays: 6 }); // origins default to baseURL's
    const secret: unknown = (await api.get('/secret')).data;
    // --- end of snippet ---
    await expectRefreshedOnce(session, secret, async (): Promise<unknown> => (await api.get('/secret')).data);
    detach();
  });

  it('ky', async () => {
    serveRefresh();
    // --- snippet: ky ---
    const base = ky.create({ prefixUrl: API });
    const session = createAuthSession({
      tokens: loggedIn,
      // The context marker keeps the refresh call itself out of the hooks.
      refresh: ({ refreshToken, signal }) =>
        api.post('refresh', { json: { refreshToken }, signal, context: { tokenflight: { skip: true } } }).json(),
    });
    const api = base.extend({ hooks: authHooks(session, { origins: [API], maxConcurrentReplays: 6 }) });
    const secret = await api.get('secret').json();
    // --- end of snippet ---
    await expectRefreshedOnce(session, secret, () => api.get('secret').json());
  });
});

/** The first call went out with a0; after the server drops a0, calls refresh once and get through with a1. */
async function expectRefreshedOnce(session: AuthSession, first: unknown, call: () => Promise<unknown>) {
  try {
    expect(first).toMatchObject({ ok: true, token: 'a0' });
    api.acceptOnly('a1');
    const answers = await Promise.all([call(), call(), call()]);
    expect(answers).toEqual(Array(3).fill(expect.objectContaining({ ok: true, token: 'a1' })));
    expect(api.arrivals.filter((arrival) => arrival.path === '/secret')).toHaveLength(1 + 3 + 3);
    expect(session.tokens?.refreshToken).toBe('r1');
  } finally {
    session.stop();
  }
}
