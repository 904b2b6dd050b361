import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { AuthSession } from 'tokenflight';
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
  // Each client is a module of user code (test/userCode/), imported as the app would.
  it('fetch', async () => {
    serveRefresh();
    const { session, getSecret } = await import('./userCode/fetchClient.js');
    session.login(loggedIn);
    await expectRefreshedOnce(session, await getSecret(), getSecret);
  });

  it('axios', async () => {
    serveRefresh();
    const { session, getSecret, detach } = await import('./userCode/axiosClient.js');
    session.login(loggedIn);
    await expectRefreshedOnce(session, await getSecret(), getSecret);
    detach();
  });

  it('ky', async () => {
    serveRefresh();
    const { session, getSecret } = await import('./userCode/kyClient.js');
    session.login(loggedIn);
    await expectRefreshedOnce(session, await getSecret(), getSecret);
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
