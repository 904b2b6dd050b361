/**
 * The contenders, each written the way its users write it (README / Stack Overflow style),
 * translated to bearer tokens: the seed 000 code keeps its tokens in cookies, the bench server
 * speaks `Authorization: Bearer` so every client is judged on the same routes.
 *
 * `store` stands in for localStorage. The harness adds only two things the user code does not
 * have: a shared transport (same connection limit for everyone) and a guard that stops a
 * client's requests once it is disposed, so a runaway refresh loop cannot leak into the next run.
 */
import axios, { type AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import { createAuthSession } from '../src/session/createAuthSession.js';
import { RefreshRejectedError } from '../domain/errors/RefreshRejectedError.js';
import { createAuthFetch } from '../src/fetch/createAuthFetch.js';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** How requests leave the client: the real network (with a pool) or an in-process server. */
export interface Transport {
  fetch: typeof globalThis.fetch;
  /** Merged into every axios instance: an `httpAgent` for the network, an `adapter` in process. */
  axios: Pick<AxiosRequestConfig, 'httpAgent' | 'adapter'>;
}

export interface ClientSetup {
  origin: string;
  tokens: IssuedTokens;
  transport: Transport;
  /** The client's clock (tokenflight's `now` option). */
  now?: () => number;
  /** tokenflight only: the access token is known to be expired already (client-side expiry). */
  expiredOnClient?: boolean;
  /** tokenflight only: room in the queue (default: the library's default). */
  maxQueue?: number;
}

/** What the harness drives: one GET that resolves with the status the caller saw (0: thrown). */
export interface BenchClient {
  get(path: string): Promise<number>;
  dispose(): void;
}

export type TransportKind = 'fetch' | 'axios';

export interface Contender {
  name: string;
  kind: TransportKind;
  create(setup: ClientSetup): BenchClient;
}

class DisposedClientError extends Error {
  override readonly name = 'DisposedClientError';
}

/** A fetch that refuses to send once the client is disposed (bounds runaway loops). */
function guardedFetch(fetchImpl: typeof globalThis.fetch, isDisposed: () => boolean): typeof globalThis.fetch {
  return (input, init) => (isDisposed() ? Promise.reject(new DisposedClientError()) : fetchImpl(input, init));
}

function guardedAxios(setup: ClientSetup, isDisposed: () => boolean): AxiosInstance {
  const instance = axios.create({ baseURL: setup.origin, ...setup.transport.axios });
  instance.interceptors.request.use((config) => {
    if (isDisposed()) throw new DisposedClientError();
    return config;
  });
  return instance;
}

function statusOf(error: unknown): number {
  if (axios.isAxiosError(error)) return error.response?.status ?? 0;
  return 0;
}

async function readStatus(response: Response): Promise<number> {
  await response.arrayBuffer();
  return response.status;
}

function axiosClient(http: AxiosInstance, dispose: () => void): BenchClient {
  return {
    get: (path) => http.get(path).then((response) => response.status, statusOf),
    dispose,
  };
}

function disposable() {
  let disposed = false;
  return { isDisposed: () => disposed, dispose: () => void (disposed = true) };
}

/**
 * What every axios user writes first: tokens in storage, and a request interceptor that puts
 * the current access token on each request (so retried and queued requests pick up a new one).
 */
function axiosWithStoredToken(setup: ClientSetup, isDisposed: () => boolean) {
  const store = { ...setup.tokens };
  const http = guardedAxios(setup, isDisposed);
  http.interceptors.request.use((config) => {
    config.headers['Authorization'] = `Bearer ${store.accessToken}`;
    return config;
  });
  return { store, http };
}

// ---------------------------------------------------------------------------------------------
// Plain clients: the floor for "per-request overhead".

export const plainFetch: Contender = {
  name: 'plain fetch',
  kind: 'fetch',
  create({ origin, tokens, transport }) {
    const life = disposable();
    const send = guardedFetch(transport.fetch, life.isDisposed);
    return {
      get: (path) =>
        send(`${origin}${path}`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } }).then(
          readStatus,
          () => 0,
        ),
      dispose: life.dispose,
    };
  },
};

export const plainAxios: Contender = {
  name: 'plain axios',
  kind: 'axios',
  create(setup) {
    const life = disposable();
    const http = guardedAxios(setup, life.isDisposed);
    http.defaults.headers.common.Authorization = `Bearer ${setup.tokens.accessToken}`;
    return axiosClient(http, life.dispose);
  },
};

// ---------------------------------------------------------------------------------------------
// tokenflight: the README way — a session with a refresh function, and the fetch adapter.

export const tokenflight: Contender = {
  name: 'tokenflight',
  kind: 'fetch',
  create({ origin, tokens, transport, now, expiredOnClient, maxQueue }) {
    const life = disposable();
    const send = guardedFetch(transport.fetch, life.isDisposed);
    const clock = now ?? Date.now;
    const session = createAuthSession({
      tokens: expiredOnClient
        ? { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: clock() - 1 }
        : tokens,
      now,
      maxQueue,
      async refresh({ refreshToken, signal }) {
        const response = await send(`${origin}/api/refresh`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refreshToken }),
          signal,
        });
        if (response.status === 401) throw new RefreshRejectedError(undefined, { status: 401 });
        if (!response.ok) throw new Error(`refresh answered ${response.status}`);
        return (await response.json()) as IssuedTokens;
      },
    });
    const authFetch = createAuthFetch(session, { fetch: send, origins: [origin] });
    return {
      get: (path) => authFetch(`${origin}${path}`).then(readStatus, () => 0),
      dispose() {
        life.dispose();
        session.stop();
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// axios-auth-refresh 5, its README: a request interceptor that reads the token from storage,
// and a refreshAuthLogic that stores the new one.

function axiosAuthRefresh(name: string, options: { deduplicateRefresh: boolean }): Contender {
  return {
    name,
    kind: 'axios',
    create(setup) {
      const life = disposable();
      const { store, http: api } = axiosWithStoredToken(setup, life.isDisposed);
      const refreshAuthLogic = (failedRequest: { response: { config: { headers: Record<string, string> } } }) =>
        api
          // With deduplicateRefresh off the README says to mark the refresh call yourself.
          .post<IssuedTokens>('/api/refresh', { refreshToken: store.refreshToken }, {
            skipAuthRefresh: !options.deduplicateRefresh,
          } as AxiosRequestConfig)
          .then((tokenRefreshResponse) => {
            store.accessToken = tokenRefreshResponse.data.accessToken;
            store.refreshToken = tokenRefreshResponse.data.refreshToken;
            failedRequest.response.config.headers['Authorization'] = 'Bearer ' + tokenRefreshResponse.data.accessToken;
            return Promise.resolve();
          });
      createAuthRefresh(api, refreshAuthLogic, options.deduplicateRefresh ? {} : { deduplicateRefresh: false });
      return axiosClient(api, life.dispose);
    },
  };
}

export const axiosAuthRefreshDefaults = axiosAuthRefresh('axios-auth-refresh', { deduplicateRefresh: true });
export const axiosAuthRefreshNoDedup = axiosAuthRefresh('axios-auth-refresh, deduplicateRefresh: false', {
  deduplicateRefresh: false,
});

// ---------------------------------------------------------------------------------------------
// Seed 000, the question: every 401 fires its own refresh; note that it returns
// `Promise.reject(error)` at once, so the caller sees the 401 while the retry runs unobserved.

interface RetryConfig extends AxiosRequestConfig {
  _retry?: boolean;
}

export const seedQuestion: Contender = {
  name: 'seed 000 question (refresh per 401)',
  kind: 'axios',
  create(setup) {
    const life = disposable();
    const { store, http } = axiosWithStoredToken(setup, life.isDisposed);
    http.interceptors.response.use(
      (response) => {
        return response;
      },
      (error: AxiosError) => {
        const config: RetryConfig | undefined = error.config;
        if (config && error.response && error.response.status === 401 && !config._retry) {
          config._retry = true;
          http
            .post<IssuedTokens>('/api/refresh', { refreshToken: store.refreshToken })
            .then((res) => {
              if (res.status == 200) {
                store.accessToken = res.data.accessToken;
                store.refreshToken = res.data.refreshToken;
                return http.request(config);
              }
              return undefined;
            })
            .catch(() => {});
        }
        return Promise.reject(error);
      },
    );
    return axiosClient(http, life.dispose);
  },
};

// ---------------------------------------------------------------------------------------------
// Seed 000, the accepted answer: one shared refresh promise, cleared when it resolves.

export const seedAnswer: Contender = {
  name: 'seed 000 answer (shared promise)',
  kind: 'axios',
  create(setup) {
    const life = disposable();
    const { store, http } = axiosWithStoredToken(setup, life.isDisposed);

    let refreshTokenPromise: Promise<string> | null = null; // this holds any in-progress token refresh requests
    const getRefreshToken = () =>
      http.post<IssuedTokens>('/api/refresh', { refreshToken: store.refreshToken }).then((res) => {
        store.accessToken = res.data.accessToken;
        store.refreshToken = res.data.refreshToken;
        return res.data.accessToken;
      });

    http.interceptors.response.use(
      (r) => r,
      (error: AxiosError) => {
        const { config } = error;
        if (config && error.response && error.response.status === 401) {
          if (!refreshTokenPromise) {
            refreshTokenPromise = getRefreshToken().then((token) => {
              refreshTokenPromise = null; // clear state
              return token; // resolve with the new token
            });
          }
          return refreshTokenPromise.then((token) => {
            config.headers['Authorization'] = `Bearer ${token}`;
            return http.request(config);
          });
        }
        return Promise.reject(error);
      },
    );
    return axiosClient(http, life.dispose);
  },
};

/** Every contender in table order; the plain clients are floors, not contenders. */
export const contenders: readonly Contender[] = [
  tokenflight,
  axiosAuthRefreshDefaults,
  axiosAuthRefreshNoDedup,
  seedQuestion,
  seedAnswer,
];

export const plainFor: Record<TransportKind, Contender> = { fetch: plainFetch, axios: plainAxios };
