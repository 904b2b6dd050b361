import type { SessionConfig } from '../../machines/authSessionTypes.js';
import { optionError } from './optionChecks.js';
import type { SessionPlugin } from './plugin.js';
import type { TokenStorage } from './storage.js';
import type { TabLifeOptions } from './tabLife.js';
import type { TokenInput, TokenSet } from '../../domain/tokens.js';

export interface RefreshContext {
  /** The refresh token to present; null when it lives in an HttpOnly cookie. */
  refreshToken: string | null;
  tokens: TokenSet | null;
  /** Aborted on logout and after `refreshTimeout`. */
  signal: AbortSignal;
}

export interface HeartbeatContext {
  tokens: TokenSet;
  signal: AbortSignal;
}

export interface RetryOptions {
  /** Retries after the first failed attempt, for transient failures only. Default 3. */
  retries?: number;
  /** First backoff step in ms. Default 1000. */
  minDelay?: number;
  /** Largest backoff step in ms. Default 30 000. */
  maxDelay?: number;
}

export interface AuthSessionOptions {
  /** Exchanges the refresh token for new tokens. Throw `RefreshRejectedError` (or an error with status 400/401/403) when the server refuses it. */
  refresh: (context: RefreshContext) => Promise<TokenInput>;
  /** Asks the server whether the session is still valid; `false` starts a refresh. */
  heartbeat?: (context: HeartbeatContext) => Promise<boolean>;
  /** Start logged in with these tokens (else whatever `storage` holds). */
  tokens?: TokenInput;
  storage?: TokenStorage;
  /**
   * Refresh `refreshMargin` before the token expires, without waiting for a request (default
   * true: a page keeps its token fresh). A server that refreshes only when a request needs a
   * token sets false; the session pool of tokenflight/redis does.
   */
  proactiveRefresh?: boolean;
  refreshMargin?: number;
  heartbeatInterval?: number;
  refreshTimeout?: number;
  retry?: RetryOptions;
  maxQueue?: number;
  waitTimeout?: number;
  /**
   * After a refresh round runs out of retries, no new round with the same refresh token for this
   * long (ms), unless you call `refresh()`; meanwhile a need for a new token fails at once with
   * RefreshCooldownError, except for probes: one attempt at most every 2 s (a need, the tab
   * coming back, going online), so service resumes soon after the server. Default 30 000.
   */
  failureCooldown?: number;
  /**
   * In a browser, refresh a due or expired token at once when the tab becomes visible, goes back
   * online or wakes from sleep. Default true; does nothing outside a browser.
   */
  tabLife?: boolean | TabLifeOptions;
  isTerminal?: (error: unknown) => boolean;
  now?: () => number;
  /** The backoff jitter source; tests pass a fixed one. */
  random?: () => number;
  /**
   * Features this session pays for only when given: `crossTab()` from 'tokenflight/cross-tab',
   * `inspect(observer)` from 'tokenflight/inspect'. See src/session/plugin.ts for how they compose.
   */
  plugins?: readonly SessionPlugin[];
}

/** A number option of at least `min`, checked: bad input is a RangeError at creation, never a hang later. */
export function numberAtLeast<T extends number | undefined>(
  name: string,
  value: number | undefined,
  fallback: T,
  min = 0,
): number | T {
  // `!(value >= min)` is also true for NaN.
  if (value !== undefined && (typeof value !== 'number' || !(value >= min))) {
    throw optionError(name, `a number >= ${min}`, value, RangeError);
  }
  return value ?? fallback;
}

export function configFrom(options: AuthSessionOptions): SessionConfig {
  const retry = options.retry;
  const proactiveRefresh = options.proactiveRefresh ?? true;
  if (typeof proactiveRefresh !== 'boolean') throw optionError('proactiveRefresh', 'true or false', proactiveRefresh);
  return {
    proactiveRefresh,
    refreshMargin: numberAtLeast('refreshMargin', options.refreshMargin, 60_000),
    heartbeatInterval: options.heartbeat
      ? numberAtLeast('heartbeatInterval', options.heartbeatInterval, 300_000, 1)
      : null,
    refreshTimeout: numberAtLeast('refreshTimeout', options.refreshTimeout, 10_000, 1),
    retries: Math.floor(numberAtLeast('retry.retries', retry?.retries, 3)),
    minDelay: numberAtLeast('retry.minDelay', retry?.minDelay, 1_000),
    maxDelay: numberAtLeast('retry.maxDelay', retry?.maxDelay, 30_000),
    maxQueue: Math.floor(numberAtLeast('maxQueue', options.maxQueue, 1_000, 1)),
    failureCooldown: numberAtLeast('failureCooldown', options.failureCooldown, 30_000),
  };
}
