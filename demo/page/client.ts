/**
 * The app's side of auth, as a user of tokenflight writes it: one session and
 * one authFetch. Bearer and cookie mode differ only in the refresh function,
 * the storage key and the token scheme; the adapter itself stays the same.
 * OAuth 2.0 + DPoP mode is in oauthClient.ts.
 */
import {
  bearerScheme,
  createAuthSession,
  headerScheme,
  RefreshRejectedError,
  webStorage,
  type AuthSession,
  type AuthSessionOptions,
  type TokenInput,
  type TokenScheme,
} from '../../src/index.js';
import { crossTab } from '../../src/cross-tab/index.js';
import { createAuthFetch, type AuthFetch } from '../../src/fetch/index.js';
import type { DemoLog, LogLine } from './log.js';

export type DemoMode = 'bearer' | 'cookie' | 'oauth';

export interface DemoClient {
  mode: DemoMode;
  session: AuthSession;
  authFetch: AuthFetch;
  /** Where the server counts this mode's requests, and the counter of its refreshes. */
  stats: { path: string; refreshes: string };
  /** Logs in at the demo API (or the provider) and hands the tokens to the session. */
  login(username: string): Promise<void>;
  /** Ends the session here and at the server, which revokes the refresh token. */
  logout(): Promise<void>;
  /** Switches the server's slow refresh (SLOW_REFRESH_MS) for this page's next refreshes. */
  setSlowRefresh(on: boolean): void;
}

/** Ids of requests the page sent, so the log can tell a replay from a new request. */
const DEMO_ID = 'X-Demo-Request';
let nextId = 1;
export function tagRequest(init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set(DEMO_ID, String(nextId++));
  return { ...init, headers };
}

/** The demo's slow-refresh switch: the server holds each `/api/refresh` this long, so `refreshing` can be seen. */
export const SLOW_REFRESH_MS = 1_500;

/**
 * The fetch under tokenflight: logs every request and answer, and marks replays. A 401 whose
 * request is then replayed is rewritten to "401 → replayed": it was expected, not a failure.
 */
export function loggingFetch(log: DemoLog, settings: { slowRefresh: boolean }): typeof fetch {
  const seen = new Set<string>();
  const unauthorized = new Map<string, { line: LogLine; text: string }>();
  return async (input, init) => {
    // The refresh function passes a plain path, so the delay is a query parameter away.
    const slow = settings.slowRefresh && input === '/api/refresh';
    const request = new Request(slow ? `${input}?delay=${SLOW_REFRESH_MS}` : input, init);
    const id = request.headers.get(DEMO_ID);
    const path = new URL(request.url).pathname + new URL(request.url).search;
    const replay = id !== null && seen.has(id);
    if (id !== null) seen.add(id);
    const first401 = id === null ? undefined : unauthorized.get(id);
    if (replay && first401) first401.line.update('replayed', `${first401.text} → replayed`);
    log.add(
      replay ? 'replay' : 'request',
      `${replay ? '↻ replay' : '→'} ${request.method} ${path}${id ? ` #${id}` : ''}`,
    );
    const response = await fetch(request);
    const text = `← ${response.status} ${path}${id ? ` #${id}` : ''}`;
    const line = log.add(response.status === 401 ? 'unauthorized' : response.ok ? 'ok' : 'error', text);
    if (response.status === 401 && id !== null) unauthorized.set(id, { line, text });
    return response;
  };
}

async function readTokens(response: Response): Promise<TokenInput> {
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    // The server refused the refresh token: the session is over, no retry.
    throw new RefreshRejectedError(`refresh refused (${response.status})`, { status: response.status });
  }
  if (!response.ok) throw new Error(`refresh failed (${response.status})`);
  return (await response.json()) as TokenInput;
}

/** The retry settings a page address asks for; the library's defaults otherwise. */
function retrySettingsFrom(
  query: URLSearchParams,
): Pick<AuthSessionOptions, 'retry' | 'failureCooldown' | 'refreshTimeout'> {
  const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
  return {
    retry: { retries: number('retries'), minDelay: number('minDelay'), maxDelay: number('maxDelay') },
    failureCooldown: number('cooldown'),
    refreshTimeout: number('refreshTimeout'),
  };
}

/** Asks /api/heartbeat whether the session still stands, with the token as `scheme` presents it. */
export function heartbeatThrough(scheme: () => TokenScheme, send: typeof fetch): AuthSessionOptions['heartbeat'] {
  return async ({ tokens, signal }) => {
    const headers = new Headers();
    await scheme().authorize({ method: 'GET', url: new URL('/api/heartbeat', location.href), headers }, tokens);
    return (await send('/api/heartbeat', { headers, signal })).ok;
  };
}

export function createDemoClient(mode: 'bearer' | 'cookie', log: DemoLog): DemoClient {
  const settings = { slowRefresh: false };
  const send = loggingFetch(log, settings);
  // The only adapter difference between the modes. In cookie mode the "access
  // token" the page holds is the CSRF token; the JWT stays in its HttpOnly cookie.
  const scheme = mode === 'cookie' ? headerScheme('X-CSRF-Token') : bearerScheme;
  const json = { 'Content-Type': 'application/json' };

  const session = createAuthSession({
    // Tests may shorten the retry round and the cooldown: ?retries=2&minDelay=200&maxDelay=400&cooldown=3000&refreshTimeout=1500.
    ...retrySettingsFrom(new URLSearchParams(location.search)),
    storage: webStorage(localStorage, `tokenflight-demo-${mode}`),
    // Every tab of the demo shares this session: one refresh for all, logout everywhere.
    plugins: [crossTab({ name: `tokenflight-demo-${mode}` })],
    // Refresh 5 s before expiry (the demo's tokens live 30 s), and ask the
    // server every 15 s whether the session still stands.
    refreshMargin: 5_000,
    heartbeatInterval: 15_000,
    refresh: async ({ refreshToken, signal }) => {
      log.add('refresh', '⟳ refresh started');
      // Cookie mode: the refresh token is an HttpOnly cookie the browser sends itself.
      const body = mode === 'bearer' ? JSON.stringify({ refreshToken }) : '{}';
      return readTokens(await send('/api/refresh', { method: 'POST', headers: json, body, signal }));
    },
    heartbeat: heartbeatThrough(() => scheme, send),
  });

  const authFetch = createAuthFetch(session, { fetch: send, scheme });

  return {
    mode,
    session,
    authFetch,
    stats: { path: '/api/stats', refreshes: 'refreshCalls' },
    async login(username) {
      const response = await send('/api/login', {
        method: 'POST',
        headers: json,
        body: JSON.stringify(mode === 'cookie' ? { username, mode } : { username }),
      });
      if (!response.ok) throw new Error(`login failed (${response.status})`);
      session.login((await response.json()) as TokenInput);
    },
    async logout() {
      const refreshToken = session.tokens?.refreshToken ?? null;
      session.logout();
      await send('/api/logout', {
        method: 'POST',
        headers: json,
        body: JSON.stringify(refreshToken ? { refreshToken } : {}),
      });
    },
    setSlowRefresh(on) {
      settings.slowRefresh = on;
    },
  };
}
