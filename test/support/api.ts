import axios, { type AxiosInstance } from 'axios';
import ky from 'ky';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { attachAuth, type AxiosAuthOptions } from 'tokenflight/axios';
import { createAuthSession, type AuthSession, type AuthSessionOptions } from 'tokenflight';
import { createAuthFetch, type AuthFetchOptions } from 'tokenflight/fetch';
import { authHooks, type KyAuthOptions } from 'tokenflight/ky';
import { angularHttp, answerOf } from './angular.js';
import { deferred, type Deferred } from './deferred.js';
import { asJsonObject, type JsonObject } from './json.js';

export const API = 'https://api.test';
export const ELSEWHERE = 'https://elsewhere.test';

export interface Arrival {
  path: string;
  authorization: string | null;
  seq: string | null;
  body: string;
}

/**
 * A tiny protected API for msw: `/secret` answers 200 only to `Bearer <token>` for a token in
 * `accepted`, `/public` to anyone, `/echo` (also on ELSEWHERE) reports what it got. A test can
 * hold `/secret` answers back (`holdNext`) and make them slow (`latency`).
 */
export function createApi() {
  const accepted = new Set<string>(['a0']);
  const arrivals: Arrival[] = [];
  const held: Deferred<void>[] = [];
  let holdCount = 0;
  const load = { inFlight: 0, maxInFlight: 0, latency: 0 };

  async function arrive(request: Request): Promise<Arrival> {
    const url = new URL(request.url);
    const arrival = {
      path: url.pathname,
      authorization: request.headers.get('authorization'),
      seq: url.searchParams.get('seq'),
      body: request.method === 'GET' ? '' : await request.text(),
    };
    arrivals.push(arrival);
    return arrival;
  }

  async function secret({ request }: { request: Request }) {
    const arrival = await arrive(request);
    load.inFlight += 1;
    load.maxInFlight = Math.max(load.maxInFlight, load.inFlight);
    try {
      if (holdCount > 0) {
        holdCount -= 1;
        const gate = deferred();
        held.push(gate);
        await gate.promise;
      }
      if (load.latency > 0) await delay(load.latency);
      const token = /^Bearer (.+)$/.exec(arrival.authorization ?? '')?.[1];
      if (token === undefined || !accepted.has(token))
        return HttpResponse.json({ error: 'unauthorized' }, { status: 401 });
      return HttpResponse.json({ ok: true, token, body: arrival.body });
    } finally {
      load.inFlight -= 1;
    }
  }

  const echo = async ({ request }: { request: Request }) => HttpResponse.json(await arrive(request));
  const server = setupServer(
    http.get(`${API}/secret`, secret),
    http.post(`${API}/secret`, secret),
    http.get(`${API}/public`, async ({ request }) => HttpResponse.json(await arrive(request))),
    http.get(`${API}/echo`, echo),
    http.get(`${ELSEWHERE}/echo`, echo),
  );

  return {
    server,
    accepted,
    arrivals,
    load,
    /** The next `count` requests to /secret wait until `release()`. */
    holdNext(count: number) {
      holdCount += count;
    },
    release() {
      for (const gate of held.splice(0)) gate.resolve();
    },
    heldCount: () => held.length,
    /** Back to a fresh API between tests. */
    reset() {
      server.resetHandlers();
      arrivals.length = 0;
      this.acceptOnly('a0');
      this.release();
      load.latency = 0;
      load.maxInFlight = 0;
    },
    /** Accept only this token from now on (the others were revoked or expired). */
    acceptOnly(token: string) {
      accepted.clear();
      accepted.add(token);
    },
  };
}

/**
 * The msw API for one test file, plus sessions (logged in as a0/r0, no retries unless asked)
 * that are stopped after each test.
 */
export function useApi() {
  const api = createApi();
  const sessions: AuthSession[] = [];
  beforeAll(() => api.server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => api.server.close());
  afterEach(() => {
    for (const session of sessions.splice(0)) session.stop();
    api.reset();
  });
  function session(options: Partial<AuthSessionOptions> & Pick<AuthSessionOptions, 'refresh'>): AuthSession {
    const created = createAuthSession({
      retry: { retries: 0 },
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 },
      ...options,
    });
    sessions.push(created);
    return created;
  }
  /** A session whose refreshes hand out a1, a2, … and are counted. */
  function countingSession() {
    const refreshes: string[] = [];
    const counted = session({
      refresh: async () => {
        refreshes.push(`a${refreshes.length + 1}`);
        return { accessToken: `a${refreshes.length}`, refreshToken: `r${refreshes.length}`, expiresIn: 3600 };
      },
    });
    return { session: counted, refreshes };
  }
  return { api, session, countingSession };
}

export interface ClientRequest {
  method?: 'GET' | 'POST';
  body?: string;
  signal?: AbortSignal;
}

export interface ClientResponse {
  status: number;
  /** The JSON answer, whole: `{ ok, token, body }` from /secret, the arrival from /echo, or an error. */
  body: JsonObject;
}

/** One adapter behind the same small interface, so each behaviour is tested once for all of them. */
export interface Client {
  request(url: string, init?: ClientRequest): Promise<ClientResponse>;
}

/** Every HTTP adapter: each shared case runs once per adapter (the conformance table). */
export const ADAPTERS = ['fetch', 'axios', 'ky', 'angular'] as const;
export type AdapterName = (typeof ADAPTERS)[number];
export type SharedOptions = Pick<
  AuthFetchOptions & AxiosAuthOptions & KyAuthOptions,
  'origins' | 'maxConcurrentReplays' | 'scheme'
>;

export function createClient(name: AdapterName, session: AuthSession, options: SharedOptions = {}): Client {
  const origins = options.origins ?? [API];
  if (name === 'fetch') {
    const authFetch = createAuthFetch(session, { ...options, origins });
    return {
      async request(url, init = {}) {
        const response = await authFetch(url, { method: init.method, body: init.body, signal: init.signal });
        return { status: response.status, body: asJsonObject(await response.json()) };
      },
    };
  }
  if (name === 'axios') {
    const instance: AxiosInstance = axios.create();
    attachAuth(session, instance, { ...options, origins });
    return {
      async request(url, init = {}) {
        try {
          const response = await instance.request({
            url,
            method: init.method ?? 'GET',
            data: init.body,
            signal: init.signal,
          });
          return { status: response.status, body: asJsonObject(response.data) };
        } catch (error) {
          if (axios.isAxiosError(error) && error.response)
            return { status: error.response.status, body: asJsonObject(error.response.data) };
          throw error;
        }
      },
    };
  }
  if (name === 'angular') {
    const { http } = angularHttp(session, { ...options, origins });
    return {
      request: (url, init = {}) =>
        answerOf<ClientResponse['body']>(
          http.request<ClientResponse['body']>(init.method ?? 'GET', url, { body: init.body, observe: 'response' }),
          init.signal,
        ),
    };
  }
  const client = ky.create({ retry: 0, throwHttpErrors: false, hooks: authHooks(session, { ...options, origins }) });
  return {
    async request(url, init = {}) {
      const response = await client(url, { method: init.method ?? 'GET', body: init.body, signal: init.signal });
      return { status: response.status, body: asJsonObject(await response.json()) };
    },
  };
}
