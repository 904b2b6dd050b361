import { createAuthSession, type AuthSession } from 'tokenflight';
import { createAuthFetch, type AuthFetch } from 'tokenflight/fetch';
import { TokenflightError } from 'tokenflight';
import { memoryStorage, type TokenStorage } from 'tokenflight';
import type { TokenInput, TokenSet } from 'tokenflight';
import { holdCall, liveCalls, type HeldCall } from '../support/heldCall.js';
import { createAuthBackend, type AuthBackend } from 'tokenflight/testing';

/**
 * The system the property test drives: a real session and fetch adapter against the in-memory
 * auth backend, with every refresh and heartbeat held until a command answers it, a fake fetch
 * that records what it was sent, and the invariants checked after every command.
 */

export const API = 'https://api.example.test';
export const ELSEWHERE = 'https://tracker.example.test';

export const settings = {
  accessTtlSeconds: 60,
  heartbeatInterval: 45_000,
  refreshTimeout: 5_000,
  retries: 2,
  maxQueue: 4,
  waitTimeout: 20_000,
  failureCooldown: 10_000,
} as const;

/** A 5xx from the token endpoint: worth retrying. */
export class ServerUnavailableError extends Error {
  override readonly name = 'ServerUnavailableError';
  readonly status = 503;
}

/** What a rejected waiter may carry: the library's typed errors, or the transient failure that ended a round. */
const typedErrors: (abstract new (...args: never[]) => Error)[] = [TokenflightError, ServerUnavailableError];

interface Waiter {
  label: string;
  since: number;
  bound: number;
  settled: boolean;
  error?: unknown;
}

export interface SessionWorld {
  session: AuthSession;
  authFetch: AuthFetch;
  backend: AuthBackend;
  storage: TokenStorage;
  /** Input: the refresh token presented. */
  refreshCalls: HeldCall<string | null, TokenInput>[];
  heartbeatCalls: HeldCall<TokenSet, boolean>[];
  /** Every access token the session has held, oldest first (for stale 401s). */
  heldAccessTokens: string[];
  /** Refresh tokens the server has answered (rotated or refused): presenting one again is a bug. */
  answeredRefreshTokens: Set<string>;
  /** True from a logout until the next login. */
  loggedOut: boolean;
  violations: string[];
  waiters: Waiter[];
  track(label: string, promise: Promise<unknown>, bound?: number): void;
  check(): void;
}

export function createSessionWorld(): SessionWorld {
  const backend = createAuthBackend({ accessTtl: settings.accessTtlSeconds, now: () => Date.now() });
  const storage = memoryStorage();
  const violations: string[] = [];
  const refreshCalls: HeldCall<string | null, TokenInput>[] = [];
  const heartbeatCalls: HeldCall<TokenSet, boolean>[] = [];
  const answeredRefreshTokens = new Set<string>();

  const session = createAuthSession({
    refresh: ({ refreshToken, signal }) => {
      if (refreshToken !== null && answeredRefreshTokens.has(refreshToken)) {
        violations.push('a refresh token was presented again after the server answered it');
      }
      return holdCall(refreshCalls, refreshToken, signal);
    },
    heartbeat: ({ tokens, signal }) => holdCall(heartbeatCalls, tokens, signal),
    storage,
    heartbeatInterval: settings.heartbeatInterval,
    refreshTimeout: settings.refreshTimeout,
    retry: { retries: settings.retries, minDelay: 200, maxDelay: 1_000 },
    maxQueue: settings.maxQueue,
    waitTimeout: settings.waitTimeout,
    failureCooldown: settings.failureCooldown,
    random: () => 0.5,
  });

  const heldAccessTokens: string[] = [];
  session.subscribe(({ tokens }) => {
    if (tokens && heldAccessTokens.at(-1) !== tokens.accessToken) heldAccessTokens.push(tokens.accessToken);
  });

  const authFetch = createAuthFetch(session, {
    origins: [API],
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const authorization = request.headers.get('Authorization');
      if (url.origin !== API && authorization !== null) violations.push(`a token went to ${url.origin}`);
      if (url.pathname === '/public') return new Response('public');
      const result = await backend.authorize(authorization?.replace(/^Bearer /, ''));
      return new Response(null, { status: result.ok ? 200 : 401 });
    },
  });

  const waiters: Waiter[] = [];
  const world: SessionWorld = {
    session,
    authFetch,
    backend,
    storage,
    refreshCalls,
    heartbeatCalls,
    heldAccessTokens,
    answeredRefreshTokens,
    loggedOut: true,
    violations,
    waiters,
    track(label, promise, bound = settings.waitTimeout) {
      const waiter: Waiter = { label, since: Date.now(), bound, settled: false };
      waiters.push(waiter);
      promise.then(
        () => {
          waiter.settled = true;
        },
        (error: unknown) => {
          waiter.settled = true;
          waiter.error = error;
          if (!typedErrors.some((type) => error instanceof type)) {
            violations.push(`${label} rejected with an untyped error: ${String(error)}`);
          }
        },
      );
    },
    check() {
      const { status, tokens } = session;
      if (!['loggedOut', 'idle', 'refreshing', 'expired'].includes(status)) violations.push(`status ${status}`);
      if (liveCalls(refreshCalls).length > 1) violations.push('two refreshes in flight');
      if (world.loggedOut && (tokens !== null || storage.load() !== null)) violations.push('a token outlived logout');
      if ((status === 'loggedOut' || status === 'expired') && storage.load() !== null) {
        violations.push(`tokens still stored while ${status}`);
      }
      for (const waiter of waiters) {
        if (!waiter.settled && Date.now() - waiter.since >= waiter.bound) {
          violations.push(
            `${waiter.label} still waits after ${Date.now() - waiter.since} ms (bound ${waiter.bound} ms)`,
          );
        }
      }
    },
  };
  return world;
}
