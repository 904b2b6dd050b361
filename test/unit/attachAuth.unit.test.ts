import axios, {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachAuth } from '../../src/axios/index.js';
import { createAuthSession, type AuthSession } from '../../src/session/createAuthSession.js';
import { flush, refreshStub } from '../support/refreshStub.js';

const API = 'https://api.example.test';

const sessions: AuthSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
  vi.unstubAllGlobals();
});

function loggedIn(
  refresh: Parameters<typeof createAuthSession>[0]['refresh'] = async () => ({ accessToken: 'unused' }),
) {
  const session = createAuthSession({
    refresh,
    retry: { retries: 0 },
    tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 600 },
  });
  sessions.push(session);
  return session;
}

function answer(config: InternalAxiosRequestConfig, status: number, data: unknown = null): AxiosResponse {
  return { data, status, statusText: String(status), headers: new AxiosHeaders(), config, request: {} };
}

/** A server in an adapter: answers with the Authorization header it got, 401 for tokens it refuses. */
function fakeServer(refused: (token: string | undefined) => boolean = () => false) {
  const seen: Array<string | null> = [];
  const adapter: AxiosAdapter = async (config) => {
    const authorization = AxiosHeaders.from(config.headers).get('Authorization');
    const value = typeof authorization === 'string' ? authorization : null;
    seen.push(value);
    const response = answer(config, 200, { authorization: value });
    if (refused(value?.replace(/^Bearer /, '')))
      throw new AxiosError('refused', AxiosError.ERR_BAD_REQUEST, config, {}, answer(config, 401));
    return response;
  };
  return { adapter, seen };
}

describe('attachAuth (axios) without a network', () => {
  it('attaches to instances whose baseURL gives no origin to trust, and sends those no token', async () => {
    for (const baseURL of [undefined, '/api/', 'file:///srv/api/']) {
      const server = fakeServer();
      const instance = axios.create({ baseURL, adapter: server.adapter });
      expect(() => attachAuth(loggedIn(), instance)).not.toThrow();
      // Node has no page: a relative URL has no origin, and a file: URL has none that can hold a token.
      await instance.get('echo');
      expect(server.seen).toEqual([null]);
    }
  });

  it('sends a request whose URL cannot be resolved untouched instead of failing it', async () => {
    const server = fakeServer();
    const instance = axios.create({ adapter: server.adapter });
    attachAuth(loggedIn(), instance, { origins: [API] });
    expect((await instance.get('/relative/path')).data).toEqual({ authorization: null });
    expect((await instance.get(`${API}/absolute`)).data).toEqual({ authorization: 'Bearer a0' });
  });

  it('accepts a signal-like object that is not an AbortSignal (axios’s GenericAbortSignal)', async () => {
    const server = fakeServer();
    const instance = axios.create({ adapter: server.adapter });
    attachAuth(loggedIn(), instance, { origins: [API] });
    const response = await instance.get(`${API}/a`, { signal: { aborted: false } });
    expect(response.data).toEqual({ authorization: 'Bearer a0' });
  });

  it('works where the runtime has no AbortSignal', async () => {
    const server = fakeServer();
    const instance = axios.create({ adapter: server.adapter });
    attachAuth(loggedIn(), instance, { origins: [API] });
    vi.stubGlobal('AbortSignal', undefined);
    const response = await instance.get(`${API}/a`);
    vi.unstubAllGlobals();
    expect(response.data).toEqual({ authorization: 'Bearer a0' });
  });

  it('passes a network error (no response) to the caller as it is, without a refresh', async () => {
    const refresh = vi.fn(async () => ({ accessToken: 'a1' }));
    const instance = axios.create({
      adapter: async (config) => {
        throw new AxiosError('Network Error', AxiosError.ERR_NETWORK, config);
      },
    });
    attachAuth(loggedIn(refresh), instance, { origins: [API] });
    await expect(instance.get(`${API}/a`)).rejects.toMatchObject({
      name: 'AxiosError',
      code: 'ERR_NETWORK',
      message: 'Network Error',
    });
    expect(refresh).not.toHaveBeenCalled();
  });

  it('shows an observing scheme no answer for a network error, and still refreshes nothing', async () => {
    const refresh = vi.fn(async () => ({ accessToken: 'a1' }));
    const observe = vi.fn();
    const instance = axios.create({
      adapter: async (config) => {
        throw new AxiosError('Network Error', AxiosError.ERR_NETWORK, config);
      },
    });
    attachAuth(loggedIn(refresh), instance, { origins: [API], scheme: { authorize: () => undefined, observe } });
    await expect(instance.get(`${API}/a`)).rejects.toMatchObject({ code: 'ERR_NETWORK' });
    expect(observe).not.toHaveBeenCalled();
    expect(refresh).not.toHaveBeenCalled();
  });

  it('shows a scheme a header the answer lacks as null, and one it has as its value', async () => {
    const seen: Array<[string | null, string | null]> = [];
    const instance = axios.create({
      adapter: async (config) => ({ ...answer(config, 200), headers: new AxiosHeaders({ 'DPoP-Nonce': 'n1' }) }),
    });
    attachAuth(loggedIn(), instance, {
      origins: [API],
      scheme: {
        authorize: () => undefined,
        observe: (response) =>
          void seen.push([response.headers.get('dpop-nonce'), response.headers.get('WWW-Authenticate')]),
      },
    });
    await instance.get(`${API}/a`);
    expect(seen).toEqual([['n1', null]]);
  });

  it('reads a WWW-Authenticate the adapter hands over as a list as all its challenges', async () => {
    const refresh = vi.fn(async () => ({ accessToken: 'a1' }));
    const instance = axios.create({
      adapter: async (config) => {
        const refused = {
          ...answer(config, 401),
          headers: new AxiosHeaders({ 'WWW-Authenticate': ['Basic realm="api"', 'Bearer error="insufficient_scope"'] }),
        };
        throw new AxiosError('refused', AxiosError.ERR_BAD_REQUEST, config, {}, refused);
      },
    });
    attachAuth(loggedIn(refresh), instance, { origins: [API] });
    // insufficient_scope: no new token helps, so the 401 comes back without a refresh.
    await expect(instance.get(`${API}/a`)).rejects.toMatchObject({ response: { status: 401 } });
    expect(refresh).not.toHaveBeenCalled();
  });

  it('with maxConcurrentReplays: 1, replays a 401 of a queued request through the instance’s own adapter', async () => {
    const stub = refreshStub();
    const session = loggedIn(stub.refresh);
    // a1 was revoked as soon as it was issued: the queued request is refused once and replayed with a2.
    const server = fakeServer((token) => token !== 'a2');
    const instance = axios.create({ adapter: server.adapter });
    attachAuth(session, instance, { origins: [API], maxConcurrentReplays: 1 });
    const refreshed = session.refresh();
    // A holder, not a `let`: TypeScript's narrowing cannot see the callback's write.
    const outcome = { settled: false };
    const response = instance.get(`${API}/queued`).finally(() => {
      outcome.settled = true;
    });
    await flush(20);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 600 });
    await refreshed;
    for (let i = 0; i < 200 && stub.calls.length < 2; i++) await flush();
    stub.last().answer.resolve({ accessToken: 'a2', refreshToken: 'r2', expiresIn: 600 });
    // A replay that waited for a slot inside its own slot would never go out: wait a bounded time.
    for (let i = 0; i < 200 && !outcome.settled; i++) await flush();
    expect(outcome.settled).toBe(true);
    expect((await response).data).toEqual({ authorization: 'Bearer a2' });
    expect(server.seen).toEqual(['Bearer a1', 'Bearer a2']);
  });
});
