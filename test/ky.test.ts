import ky from 'ky';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { AuthSessionOptions } from 'tokenflight';
import { authHooks } from 'tokenflight/ky';
import { API, useApi } from './support/api.js';

const { api, session: userSession } = useApi();
const session = (refresh: AuthSessionOptions['refresh']) => userSession({ refresh });

describe('authHooks (ky)', () => {
  it('never intercepts a call with context { tokenflight: { skip: true } }, so the refresh can use the same instance', async () => {
    let refreshAuthorization: string | null | undefined;
    api.server.use(
      http.post(`${API}/refresh`, ({ request }) => {
        refreshAuthorization = request.headers.get('authorization');
        return HttpResponse.json({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
      }),
    );
    let client = ky.create({ prefixUrl: API, retry: 0 });
    const user = session(({ signal }) =>
      client.post('refresh', { signal, context: { tokenflight: { skip: true } } }).json(),
    );
    client = client.extend({ hooks: authHooks(user, { origins: [API] }) });
    api.acceptOnly('a1');
    expect(await client.get('secret').json()).toMatchObject({ ok: true, token: 'a1' });
    expect(refreshAuthorization).toBeNull();
  });

  it('runs after your own beforeRequest hooks and leaves them working', async () => {
    const user = session(async () => ({ accessToken: 'unused' }));
    const hooks = authHooks(user, { origins: [API] });
    const client = ky.create({
      prefixUrl: API,
      hooks: {
        beforeRequest: [(request) => request.headers.set('x-mine', '1'), ...hooks.beforeRequest],
        afterResponse: hooks.afterResponse,
      },
    });
    api.server.use(
      http.get(`${API}/echo`, ({ request }) =>
        HttpResponse.json({ authorization: request.headers.get('authorization'), mine: request.headers.get('x-mine') }),
      ),
    );
    expect(await client.get('echo').json()).toEqual({ authorization: 'Bearer a0', mine: '1' });
  });

  it('throws ky’s HTTPError for the second 401, after one replay', async () => {
    const user = session(async () => ({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 }));
    const client = ky.create({ prefixUrl: API, retry: 0, hooks: authHooks(user, { origins: [API] }) });
    api.acceptOnly('nobody');
    await expect(client.get('secret')).rejects.toMatchObject({ name: 'HTTPError', response: { status: 401 } });
    expect(api.arrivals.map((a) => a.authorization)).toEqual(['Bearer a0', 'Bearer a1']);
  });
});
