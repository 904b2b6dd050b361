import axios, {
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosRequestConfig,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { isStatus401, settle, type Exchange } from '../adapter-core/answer.js';
import {
  createAuthGate,
  grantFrom,
  holdsBack,
  targetUrl,
  type AdapterOptions,
  type Grant,
} from '../adapter-core/authGate.js';
import { authorizeThen, type OutgoingRequest } from '../session/scheme.js';
import type { AuthSession } from '../session/createAuthSession.js';
import { checkAdapterArguments, optionError } from '../session/optionChecks.js';
import { defaultOrigins, pageBase } from '../adapter-core/origins.js';
import type { TokenSet } from '../../domain/tokens.js';

/** What tokenflight reads from (and writes to) an axios request config. */
export interface TokenflightAxiosMark {
  /** Send this request untouched: no token, no 401 handling. Put it on the refresh call. */
  skip?: boolean;
  /** Set by tokenflight on a send after a 401 (replay or retry); tokenflight reads its answer itself. */
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

/** An axios answer: a response, or the error axios rejected with (a 401 arrives as one). */
type Outcome = { response: AxiosResponse; error?: undefined } | { error: unknown };

const responseOf = (outcome: Outcome) =>
  'response' in outcome ? outcome.response : axios.isAxiosError(outcome.error) ? outcome.error.response : undefined;
const outcomeOf = (request: Promise<AxiosResponse>): Promise<Outcome> =>
  request.then(
    (response) => ({ response }),
    (error: unknown) => ({ error }),
  );
const deliver = (outcome: Outcome) => ('response' in outcome ? outcome.response : Promise.reject(outcome.error));

function headerReader(response: AxiosResponse) {
  const headers = AxiosHeaders.from(response.headers as AxiosHeaders);
  return {
    get(name: string): string | null {
      const value = headers.get(name);
      if (value == null || value === false) return null;
      return Array.isArray(value) ? value.join(', ') : String(value);
    },
  };
}

function originsFor(instance: AxiosInstance): string[] {
  const base = instance.defaults.baseURL;
  const url = base === undefined ? null : targetUrl(base, undefined);
  return url && url.origin !== 'null' ? [...defaultOrigins(), url.origin] : defaultOrigins();
}

function signalOf(config: InternalAxiosRequestConfig): AbortSignal | undefined {
  return typeof AbortSignal !== 'undefined' && config.signal instanceof AbortSignal ? config.signal : undefined;
}

/** The request as a token scheme sees it (axios sends the method uppercased). */
const outgoing = (config: InternalAxiosRequestConfig, url: URL, headers: AxiosHeaders): OutgoingRequest => ({
  method: (config.method ?? 'get').toUpperCase(),
  url,
  headers,
});

/**
 * Gives an axios instance the session's token, with the fetch adapter's semantics: only allowed
 * origins (request URLs resolved against `baseURL`), one refresh for any number of concurrent
 * 401s, one replay with the new token, typed errors when the session ends. Returns `detach`.
 */
export function attachAuth(session: AuthSession, instance: AxiosInstance, options: AxiosAuthOptions = {}): () => void {
  checkAdapterArguments('attachAuth', session, options);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof instance?.interceptors !== 'object')
    throw optionError("attachAuth's second argument (instance)", 'an axios instance (axios.create())', instance);
  const gate = createAuthGate(session, { ...options, origins: options.origins ?? originsFor(instance) });
  const shouldAuthorize = options.shouldAuthorize ?? (() => true);
  const isUnauthorized = options.isUnauthorized ?? isStatus401;
  // What each sent config carried, kept off the config so it shows in no error or log.
  const sent = new WeakMap<InternalAxiosRequestConfig, { tokens: TokenSet; url: URL }>();
  // The adapter a config had before a replay slot was wrapped around it.
  const unwrapped = new WeakMap<AxiosAdapter, AdapterConfig>();
  const originalAdapter = (config: InternalAxiosRequestConfig): AdapterConfig =>
    typeof config.adapter === 'function' ? (unwrapped.get(config.adapter) ?? config.adapter) : config.adapter;

  /** A replay waits for a slot around the network call itself, so the limit counts real requests. */
  function holdBack(config: InternalAxiosRequestConfig, grant: Pick<Grant, 'replay'>): void {
    if (!holdsBack(gate, grant)) return;
    const original = originalAdapter(config);
    const send = axios.getAdapter(original, config);
    const limited: AxiosAdapter = (sending) => gate.inReplaySlot(() => send(sending), signalOf(config));
    unwrapped.set(limited, original);
    config.adapter = limited;
  }

  const requestInterceptor = instance.interceptors.request.use(async (config) => {
    const mark = config.tokenflight;
    if (mark?.skip) return config;
    if (mark?.replay) {
      // A send after a 401 already carries its token; it only needs its slot.
      holdBack(config, { replay: true });
      return config;
    }
    const url = targetUrl(instance.getUri(config), pageBase());
    if (url === null || !gate.covers(url) || !shouldAuthorize(config)) return config;
    const grant = await grantFrom(gate, signalOf(config));
    await authorizeThen(gate.scheme, outgoing(config, url, config.headers), grant.tokens, () => undefined);
    sent.set(config, { tokens: grant.tokens, url });
    holdBack(config, grant);
    return config;
  });

  /**
   * How an answer to `config` is read, and how the request is sent again: through the instance
   * (your interceptors see it), with new tokens.
   */
  function exchangeFor(config: InternalAxiosRequestConfig, url: URL): Exchange<Outcome> {
    return {
      gate,
      signal: signalOf(config),
      refused(outcome) {
        const response = responseOf(outcome);
        return response !== undefined && isUnauthorized(response);
      },
      describe(outcome) {
        const response = responseOf(outcome);
        return response ? { status: response.status, url, headers: headerReader(response) } : null;
      },
      discard: () => undefined,
      async resend(tokens) {
        const headers = AxiosHeaders.from(config.headers);
        await authorizeThen(gate.scheme, outgoing(config, url, headers), tokens, () => undefined);
        const again = {
          ...config,
          adapter: originalAdapter(config),
          headers,
          tokenflight: { ...config.tokenflight, replay: true },
        };
        return outcomeOf(instance.request(again));
      },
    };
  }

  /** Settles the answer to a config tokenflight authorized; any other answer passes as it is. */
  function answered(
    config: InternalAxiosRequestConfig | undefined,
    outcome: Outcome,
  ): AxiosResponse | Promise<AxiosResponse> {
    const first = config && !config.tokenflight?.replay ? sent.get(config) : undefined;
    if (!config || !first) return deliver(outcome);
    const settled = settle(exchangeFor(config, first.url), outcome, first.tokens);
    return settled instanceof Promise ? settled.then(deliver) : deliver(settled);
  }

  const responseInterceptor = instance.interceptors.response.use(
    // Also a 401 that validateStatus lets through.
    (response) => answered(response.config, { response }),
    (error: unknown) => answered(axios.isAxiosError(error) ? error.config : undefined, { error }),
  );

  return function detach() {
    instance.interceptors.request.eject(requestInterceptor);
    instance.interceptors.response.eject(responseInterceptor);
  };
}
