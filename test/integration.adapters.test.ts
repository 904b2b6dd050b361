// First: it loads Angular's JIT compiler, which links @angular/common's classes as they load.
import { angularHttp, answerOf } from './support/angular.js';
import { HttpContext } from '@angular/common/http';
import { SKIP_TOKENFLIGHT } from 'tokenflight/angular';
import axios from 'axios';
import ky from 'ky';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthHttpServer, type AuthHttpServer } from '../server/createAuthHttpServer.js';
import { attachAuth } from 'tokenflight/axios';
import { createAuthSession, type AuthSession, type TokenInput } from 'tokenflight';
import { authHooks } from 'tokenflight/ky';
import { firstValueFrom } from 'rxjs';

let server: AuthHttpServer;
beforeAll(async () => {
  server = await createAuthHttpServer({ host: '127.0.0.1', port: 0, accessTtl: 30, refreshLatency: 30 });
});
afterAll(() => server.close());

interface Stats {
  refreshCalls: number;
  refreshOk: number;
  reuseDetected: number;
}

async function stats(): Promise<Stats> {
  return (await fetch(`${server.url}/api/stats`)).json() as Promise<Stats>;
}

/** Each adapter set up as the README's HTTP clients section shows, with the refresh call on the same client. */
const adapters = {
  axios(session: () => AuthSession) {
    const api = axios.create({ baseURL: server.url });
    const refresh = async ({
      refreshToken,
      signal,
    }: {
      refreshToken: string | null;
      signal: AbortSignal;
    }): Promise<TokenInput> =>
      (await api.post<TokenInput>('/api/refresh', { refreshToken }, { signal, tokenflight: { skip: true } })).data;
    return {
      refresh,
      attach: () => attachAuth(session(), api, { maxConcurrentReplays: 5 }),
      status: async (path: string) => (await api.get(path)).status,
      post: async <T>(path: string, body?: unknown) =>
        (await api.post<T>(path, body, { tokenflight: { skip: true } })).data,
    };
  },
  ky(session: () => AuthSession) {
    const base = ky.create({ prefixUrl: server.url, retry: 0 });
    let api = base;
    const skip = { context: { tokenflight: { skip: true } } };
    const refresh = ({ refreshToken, signal }: { refreshToken: string | null; signal: AbortSignal }) =>
      api.post('api/refresh', { json: { refreshToken }, signal, ...skip }).json<TokenInput>();
    return {
      refresh,
      attach: () => {
        api = base.extend({ hooks: authHooks(session(), { origins: [server.url], maxConcurrentReplays: 5 }) });
      },
      status: async (path: string) => (await api.get(path.slice(1))).status,
      post: <T>(path: string, body?: unknown) => api.post(path.slice(1), { json: body, ...skip }).json<T>(),
    };
  },
  angular(session: () => AuthSession) {
    let http!: ReturnType<typeof angularHttp>['http'];
    // The refresh call goes through the same HttpClient, marked to be sent untouched.
    const skip = { context: new HttpContext().set(SKIP_TOKENFLIGHT, true) };
    const refresh = ({ refreshToken }: { refreshToken: string | null }) =>
      firstValueFrom(http.post<TokenInput>(`${server.url}/api/refresh`, { refreshToken }, skip));
    return {
      refresh,
      attach: () => {
        http = angularHttp(session(), { origins: [server.url], maxConcurrentReplays: 5 }).http;
      },
      status: async (path: string) =>
        (await answerOf(http.get(`${server.url}${path}`, { observe: 'response' }))).status,
      post: <T>(path: string, body?: unknown) => firstValueFrom(http.post<T>(`${server.url}${path}`, body ?? {}, skip)),
    };
  },
};

describe.each(['axios', 'ky', 'angular'] as const)('%s against the real rotating server (127.0.0.1)', (name) => {
  it('a burst of 50 requests with an expired token all succeed with exactly one refresh and no token reuse', async () => {
    const client = adapters[name](() => session);
    const session = createAuthSession({ refresh: client.refresh });
    client.attach();
    await client.post('/api/debug/reset');
    session.login(await client.post<TokenInput>('/api/login', { username: 'ada' }));
    expect(await client.status('/api/secret')).toBe(200);

    await client.post('/api/debug/expire');
    const before = await stats();
    const statuses = await Promise.all(Array.from({ length: 50 }, () => client.status('/api/secret')));
    const after = await stats();

    expect(statuses).toEqual(Array(50).fill(200));
    expect(after.refreshCalls - before.refreshCalls).toBe(1);
    expect(after.refreshOk - before.refreshOk).toBe(1);
    expect(after.reuseDetected).toBe(0);
    session.stop();
  });
});
