import type { AuthSession } from '../createAuthSession.js';
import { createOriginAllowList } from '../origins.js';
import type { TokenSet } from '../../domain/tokens.js';
import { refusalGuardFor, type RefusalGuard } from './refusalGuard.js';
import { createReplayLimit } from './replayLimit.js';
import { checkScheme, type TokenScheme } from './scheme.js';
import { warnUnlistedOrigin } from './unlistedOrigin.js';

/** What every adapter (fetch, axios, ky) accepts on top of its own hooks. */
export interface AdapterOptions {
  /** Exact origins that receive the token. Default: the page's origin in a browser, none elsewhere. */
  origins?: readonly string[];
  /**
   * How many requests released by one refresh (queued while it ran, or replayed after a 401) go
   * out at once; the rest follow in the order they were queued. Default: no limit.
   */
  maxConcurrentReplays?: number;
  /**
   * How the token goes on a request and how refusals are read. Default: the session's scheme
   * (`Authorization: Bearer …` unless a plugin gives another). Cookie sessions:
   * `headerScheme('X-CSRF-Token')`.
   */
  scheme?: TokenScheme;
}

/** A token for one request, and whether that request waited for a refresh (so its send is a replay). */
export interface Grant {
  tokens: TokenSet;
  replay: boolean;
}

/** The session side of every adapter: one piece of code for who gets a token and when. */
export interface AuthGate {
  /** How this adapter puts tokens on requests and reads refusals. */
  readonly scheme: TokenScheme;
  /** The session's refusal storm guard, shared by all its adapters. */
  readonly refusals: RefusalGuard;
  /** An origin that may receive the token. */
  allows(url: URL): boolean;
  /** An allowed origin, and a session that holds tokens (a guest or an ended session sends requests as they are). */
  covers(url: URL): boolean;
  /** The token for a request; waits while a refresh runs. */
  grant(signal?: AbortSignal): Promise<Grant>;
  /** `grant` in two parts, for the hot path: the token to await, and at once whether its send is a replay. */
  wait(signal?: AbortSignal): { tokens: Promise<TokenSet>; replay: boolean };
  /** After the server refused `usedAccessToken`: the token to retry with (the current one if it was stale). */
  regrant(usedAccessToken: string, signal?: AbortSignal): Promise<Grant>;
  /** Sends at once, or, for a replay, when a replay slot is free. */
  send<T>(grant: Pick<Grant, 'replay'>, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Whether `send` may hold this grant back (a replay, and a limit was set). */
  holdsBack(grant: Pick<Grant, 'replay'>): boolean;
}

/**
 * A caller that aborts its request stops waiting for a token too. It always adds the same
 * number of steps, so requests released together stay in queue order.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal?.aborted) {
    // The session's promise still settles later (token, timeout or stop): nobody may be left to see it.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal?.removeEventListener('abort', onAbort));
  });
}

export function createAuthGate(session: AuthSession, options: AdapterOptions = {}): AuthGate {
  const isAllowed = createOriginAllowList(options.origins);
  const limit = options.maxConcurrentReplays === undefined ? null : createReplayLimit(options.maxConcurrentReplays);
  return {
    scheme: checkScheme(options.scheme ?? session.scheme),
    refusals: refusalGuardFor(session),
    allows: isAllowed,
    covers(url) {
      if (!isAllowed(url)) {
        if (typeof process === 'object' && process.env.NODE_ENV !== 'production') warnUnlistedOrigin(this, session, url);
        return false;
      }
      const status = session.status;
      return status !== 'loggedOut' && status !== 'expired';
    },
    wait(signal) {
      const pending = session.getToken();
      const status = session.status;
      // Still idle: answered from the hot path, nothing to wait for (fetch itself honors the
      // signal). Refreshing: this request joined the queue, so its send is a replay.
      if (status === 'idle' && !signal?.aborted) return { tokens: pending, replay: false };
      return { tokens: untilAborted(pending, signal), replay: status === 'refreshing' };
    },
    async grant(signal) {
      const waiting = this.wait(signal);
      return { tokens: await waiting.tokens, replay: waiting.replay };
    },
    async regrant(usedAccessToken, signal) {
      return { tokens: await untilAborted(session.unauthorized(usedAccessToken), signal), replay: true };
    },
    send(grant, task, signal) {
      return grant.replay && limit ? limit(task, signal) : task();
    },
    holdsBack(grant) {
      return grant.replay && limit !== null;
    },
  };
}

/** The URL a request goes to, or null when it cannot be known (then it gets no token). */
export function targetUrl(url: string, base: string | undefined): URL | null {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
}
