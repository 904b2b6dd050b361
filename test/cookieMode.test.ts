import axios, { AxiosHeaders } from 'axios';
import ky from 'ky';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthHttpServer, type AuthHttpServer } from '../server/createAuthHttpServer.js';
import { attachAuth } from 'tokenflight/axios';
import { createAuthFetch } from 'tokenflight/fetch';
import { scheme } from './userCode/cookieScheme.js';
import { createAuthSession, RefreshRejectedError, type AuthSession, type TokenInput } from 'tokenflight';
import { authHooks } from 'tokenflight/ky';
import { tap } from 'rxjs';
import type { HttpInterceptorFn } from '@angular/common/http';
import { angularHttp, answerOf } from './support/angular.js';
import { ADAPTERS, type AdapterName } from './support/api.js';

// Cookie sessions against the real demo server: the JWT and the refresh token live in HttpOnly
// cookies (a jar stands in for the browser), the page holds only the CSRF token, which every
// adapter sends as X-CSRF-Token through `headerScheme`.
let server: AuthHttpServer;
let session: AuthSession | undefined;
beforeEach(async () => {
  server = await createAuthHttpServer({ accessTtl: 60 });
});
afterEach(async () => {
  session?.stop();
  await server.close();
});

/** What a browser does with cookies, for one origin. */
function cookieJar() {
  const cookies = new Map<string, string>();
  const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const keep = (lines: string[]) => {
    for (const line of lines) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  };
  const fetchWithCookies: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (cookies.size > 0) request.headers.set('Cookie', header());
    const response = await fetch(request);
    keep(response.headers.getSetCookie());
    return response;
  };
  return { header, keep, fetch: fetchWithCookies };
}

async function cookieSession(jar: ReturnType<typeof cookieJar>) {
  const login = await jar.fetch(`${server.url}/api/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'ada', mode: 'cookie' }),
  });
  const tokens = (await login.json()) as { accessToken: string; expiresIn: number };
  session = createAuthSession({
    tokens,
    retry: { retries: 0 },
    // The refresh token is a cookie: the body is empty, the jar sends it.
    refresh: async ({ signal }) => {
      const response = await jar.fetch(`${server.url}/api/refresh`, { method: 'POST', body: '{}', signal });
      if (response.status === 401) throw new RefreshRejectedError();
      return (await response.json()) as TokenInput;
    },
  });
  return session;
}

/** GET /api/secret through each adapter, with the cookie jar as the browser. */
function client(
  adapter: AdapterName,
  current: AuthSession,
  jar: ReturnType<typeof cookieJar>,
): () => Promise<{ status: number; user?: string }> {
  const origins = [server.url];
  if (adapter === 'fetch') {
    const authFetch = createAuthFetch(current, { scheme, origins, fetch: jar.fetch });
    return async () => {
      const response = await authFetch(`${server.url}/api/secret`);
      return { status: response.status, ...((await response.json()) as object) };
    };
  }
  if (adapter === 'ky') {
    const api = ky.create({
      fetch: jar.fetch,
      retry: 0,
      throwHttpErrors: false,
      hooks: authHooks(current, { scheme, origins }),
    });
    return async () => {
      const response = await api.get(`${server.url}/api/secret`);
      return { status: response.status, ...(await response.json<object>()) };
    };
  }
  if (adapter === 'angular') {
    // Closer to the network than tokenflight's interceptor: every send carries the jar's cookies.
    const withCookies: HttpInterceptorFn = (request, next) =>
      next(request.clone({ setHeaders: { Cookie: jar.header() } })).pipe(
        tap((event) => {
          if ('headers' in event) jar.keep(event.headers.getAll('set-cookie') ?? []);
        }),
      );
    const { http } = angularHttp(current, { scheme, origins }, [withCookies]);
    return async () => {
      const { status, body } = await answerOf(http.get<object>(`${server.url}/api/secret`, { observe: 'response' }));
      return { status, ...body };
    };
  }
  const instance = axios.create({ baseURL: server.url, validateStatus: () => true });
  instance.interceptors.request.use((config) => {
    config.headers.set('Cookie', jar.header());
    return config;
  });
  instance.interceptors.response.use((response) => {
    jar.keep((AxiosHeaders.from(response.headers as AxiosHeaders).get('set-cookie') as string[] | null) ?? []);
    return response;
  });
  attachAuth(current, instance, { scheme });
  return async () => {
    const response = await instance.get('/api/secret');
    return { status: response.status, ...(response.data as object) };
  };
}

const stats = async () =>
  (await (await fetch(`${server.url}/api/stats`)).json()) as { refreshCalls: number; refreshOk: number };

describe.each(ADAPTERS)('cookie + CSRF mode with %s', (adapter) => {
  it('sends the CSRF token as X-CSRF-Token, and after the cookie expires refreshes once and replays', async () => {
    const jar = cookieJar();
    const current = await cookieSession(jar);
    const secret = client(adapter, current, jar);
    expect(await secret()).toMatchObject({ status: 200, user: 'ada' });
    const before = current.tokens?.accessToken;
    await fetch(`${server.url}/api/debug/expire`, { method: 'POST' });
    expect(await secret()).toMatchObject({ status: 200, user: 'ada' });
    expect(await stats()).toMatchObject({ refreshCalls: 1, refreshOk: 1 });
    // A new CSRF token came with the new cookies.
    expect(current.tokens?.accessToken).not.toBe(before);
  });
});

describe('cookie mode, the control', () => {
  it('refuses the cookie alone, without the CSRF header: the scheme is what makes it work', async () => {
    const jar = cookieJar();
    await cookieSession(jar);
    expect((await jar.fetch(`${server.url}/api/secret`)).status).toBe(401);
  });
});
