import axios from 'axios';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { attachAuth } from 'tokenflight/axios';
import type { AuthSessionOptions, TokenInput } from 'tokenflight';
import { API, ELSEWHERE, useApi, type Arrival } from './support/api.js';

const { api, session: userSession } = useApi();
const session = (refresh: AuthSessionOptions['refresh']) => userSession({ refresh });

describe('attachAuth (axios)', () => {
  it('never intercepts a call marked { tokenflight: { skip: true } }, so the refresh can use the same instance', async () => {
    const instance = axios.create({ baseURL: API });
    let refreshAuthorization: string | null | undefined;
    api.server.use(
      http.post(`${API}/refresh`, async ({ request }) => {
        refreshAuthorization = request.headers.get('authorization');
        const { refreshToken } = (await request.json()) as { refreshToken: string };
        return refreshToken === 'r0'
          ? HttpResponse.json({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 })
          : new HttpResponse(null, { status: 401 });
      }),
    );
    const user = session(async ({ refreshToken, signal }) => {
      const response = await instance.post<TokenInput>(
        '/refresh',
        { refreshToken },
        { signal, tokenflight: { skip: true } },
      );
      return response.data;
    });
    attachAuth(user, instance);
    api.acceptOnly('a1');
    const response = await instance.get('/secret');
    expect(response.data).toMatchObject({ ok: true, token: 'a1' });
    // Intercepting the refresh call would have made it wait for itself, then send a token.
    expect(refreshAuthorization).toBeNull();
  });

  it('resolves request URLs against baseURL and trusts the origin of an absolute baseURL by default', async () => {
    const instance = axios.create({ baseURL: `${API}/` });
    attachAuth(
      session(async () => ({ accessToken: 'unused' })),
      instance,
    );
    expect((await instance.get<Arrival>('echo')).data.authorization).toBe('Bearer a0');
    expect((await instance.get<Arrival>(`${ELSEWHERE}/echo`)).data.authorization).toBeNull();
  });

  it('also replays a 401 that validateStatus lets through, and honours shouldAuthorize', async () => {
    const instance = axios.create({ baseURL: API, validateStatus: () => true });
    const user = session(async () => ({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 }));
    attachAuth(user, instance, { shouldAuthorize: (config) => config.url !== '/public' });
    api.acceptOnly('a1');
    expect((await instance.get('/secret')).data).toMatchObject({ token: 'a1' });
    await instance.get('/public');
    expect(api.arrivals.map((a) => a.authorization)).toEqual(['Bearer a0', 'Bearer a1', null]);
  });

  it('detaches: the instance goes back to plain axios', async () => {
    const instance = axios.create({ baseURL: API });
    const detach = attachAuth(
      session(async () => ({ accessToken: 'unused' })),
      instance,
    );
    expect((await instance.get<Arrival>('/echo')).data.authorization).toBe('Bearer a0');
    detach();
    expect((await instance.get<Arrival>('/echo')).data.authorization).toBeNull();
  });
});
