import axios, {
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosRequestConfig,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { createAuthGate, targetUrl, type AdapterOptions, type Grant } from '../adapters/authGate.js';
import type { AuthSession } from '../createAuthSession.js';
import { bearer, isStatus401 } from '../fetch/createAuthFetch.js';
import { defaultOrigins, pageBase } from '../origins.js';
import type { TokenSet } from '../../domain/tokens.js';

/** What tokenflight reads from (and writes to) an axios request config. */
export interface TokenflightAxiosMark {
  /** Send this request untouched: no token, no 401 handling. Put it on the refresh call. */
  skip?: boolean;
  /** Set by tokenflight on the one replay after a 401; a second 401 goes back to the caller. */
  replay?: boolean;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** tokenflight: `{ skip: true }` sends the request untouched (e.g. the refresh call itself). */
    tokenflight?: TokenflightAxiosMark;
  }
}

export interface AxiosAuthOptions extends AdapterOptions {
  /**
   * Exact origins that receive the token. Default: the page's origin, plus the origin of the
   * instance's `baseURL` when that is absolute (attaching to an instance says where its API is).
   */
  origins?: readonly string[];
  /** Narrows which requests to allowed origins get a token; it can never widen the allow-list. */
  shouldAuthorize?: (config: InternalAxiosRequestConfig) => boolean;
  /** What counts as "the token was refused". Default: status 401. */
  isUnauthorized?: (response: AxiosResponse) => boolean;
}

type AdapterConfig = AxiosRequestConfig['adapter'];

function originsFor(instance: AxiosInstance): string[] {
  const base = instance.defaults.baseURL;
  const url = base === undefined ? null : targetUrl(base, undefined);
  return url && url.origin !== 'null' ? [...defaultOrigins(), url.origin] : defaultOrigins();
}

function signalOf(config: InternalAxiosRequestConfig): AbortSignal | undefined {
  return typeof AbortSignal !== 'undefined' && config.signal instanceof AbortSignal ? config.signal : undefined;
}

/**
 * Gives an axios instance the session's token, with the fetch adapter's semantics: only allowed
 * origins (request URLs resolved against `baseURL`), one refresh for any number of concurrent
 * 401s, one replay with the new token, typed errors when the session ends. Returns `detach`.
 */
export function attachAuth(session: AuthSession, instance: AxiosInstance, options: AxiosAuthOptions = {}): () => void {
  const gate = createAuthGate(session, { ...options, origins: options.origins ?? originsFor(instance) });
  const shouldAuthorize = options.shouldAuthorize ?? (() => true);
  const isUnauthorized = options.isUnauthorized ?? isStatus401;
  // Which token each sent config carried, kept off the config so it shows in no error or log.
  const usedTokens = new WeakMap<InternalAxiosRequestConfig, TokenSet>();
  // The adapter a config had before a replay slot was wrapped around it.
  const unwrapped = new WeakMap<AxiosAdapter, AdapterConfig>();
  const originalAdapter = (config: InternalAxiosRequestConfig): AdapterConfig =>
    typeof config.adapter === 'function' ? (unwrapped.get(config.adapter) ?? config.adapter) : config.adapter;

  /** A replay waits for a slot around the network call itself, so the limit counts real requests. */
  function holdBack(config: InternalAxiosRequestConfig, grant: Pick<Grant, 'replay'>): void {
    if (!gate.holdsBack(grant)) return;
    const original = originalAdapter(config);
    const send = axios.getAdapter(original, config);
    const limited: AxiosAdapter = (sending) => gate.send(grant, () => send(sending), signalOf(config));
    unwrapped.set(limited, original);
    config.adapter = limited;
  }

  const requestInterceptor = instance.interceptors.request.use(async (config) => {
    const mark = config.tokenflight;
    if (mark?.skip) return config;
    if (mark?.replay) {
      // The replay already carries the new token; it only needs its slot.
      holdBack(config, { replay: true });
      return config;
    }
    const url = targetUrl(instance.getUri(config), pageBase());
    if (url === null || !gate.covers(url) || !shouldAuthorize(config)) return config;
    const grant = await gate.grant(signalOf(config));
    bearer(config.headers, grant.tokens);
    usedTokens.set(config, grant.tokens);
    holdBack(config, grant);
    return config;
  });

  async function replayRefused(config: InternalAxiosRequestConfig, used: TokenSet): Promise<AxiosResponse> {
    const next = await gate.regrant(used.accessToken, signalOf(config));
    const headers = AxiosHeaders.from(config.headers);
    bearer(headers, next.tokens);
    return instance.request({ ...config, adapter: originalAdapter(config), headers, tokenflight: { ...config.tokenflight, replay: true } });
  }

  /** The token a refused first attempt used, or null when this response is not ours to retry. */
  function refusedToken(response: AxiosResponse | undefined): TokenSet | null {
    const config = response?.config;
    if (!response || !config || config.tokenflight?.replay || !isUnauthorized(response)) return null;
    return usedTokens.get(config) ?? null;
  }

  const responseInterceptor = instance.interceptors.response.use(
    // A 401 that validateStatus lets through.
    (response) => {
      const used = refusedToken(response);
      return used ? replayRefused(response.config, used) : response;
    },
    (error: unknown) => {
      const used = axios.isAxiosError(error) ? refusedToken(error.response) : null;
      if (!used || !axios.isAxiosError(error) || !error.config) return Promise.reject(error);
      return replayRefused(error.config, used);
    },
  );

  return function detach() {
    instance.interceptors.request.eject(requestInterceptor);
    instance.interceptors.response.eject(responseInterceptor);
  };
}
