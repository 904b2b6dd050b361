import type { ReceivedTokens, TokenSet } from '../domain/tokens.js';

export type AuthStatus = 'loggedOut' | 'idle' | 'refreshing' | 'expired';

/** Numbers the machine runs on; the session fills in the defaults. All durations in ms. */
export interface SessionConfig {
  /** Refresh ahead of expiry (`refreshMargin` before it) without waiting for a request. */
  proactiveRefresh: boolean;
  refreshMargin: number;
  /** null: no heartbeat. */
  heartbeatInterval: number | null;
  refreshTimeout: number;
  retries: number;
  minDelay: number;
  maxDelay: number;
  maxQueue: number;
  /**
   * After a refresh round runs out of retries, the same refresh token is not presented again for
   * this long: the proactive timer waits, and a need for a new token fails with
   * RefreshCooldownError, but for a probe (`probeDue`). An explicit REFRESH, a new token (LOGIN) or
   * a successful probe ends it.
   */
  failureCooldown: number;
}

/** One caller waiting for a token: who, and since when (epoch ms by the session's clock). */
export interface Waiter {
  id: number;
  since: number;
}

export interface AuthContext {
  config: SessionConfig;
  tokens: TokenSet | null;
  /** How long the current token was meant to live when it arrived (caps the margin). */
  lifetime: number | null;
  waiters: Waiter[];
  /** Failed attempts in the current refresh round. */
  attempt: number;
  lastError: unknown;
  /** The last refresh round ran out of retries and `failureCooldown` has not passed yet. */
  coolingDown: boolean;
  /**
   * During the cooldown, `PROBE_INTERVAL` has passed since the last attempt ended: the next need
   * for a token (or the tab coming back) may probe the server with one attempt.
   */
  probeDue: boolean;
  /** The refresh running is such a probe: one attempt, no retries; it fails into the cooldown again. */
  probing: boolean;
}

export interface AuthInput {
  config: SessionConfig;
}

/**
 * Another session sharing this one's tokens (another tab) logged in or refreshed, logged out, or
 * expired. Only a login carries tokens.
 */
export type SyncEvent =
  { type: 'SYNC'; state: 'loggedIn'; received: ReceivedTokens } | { type: 'SYNC'; state: 'loggedOut' | 'expired' };

/** What another session can be in, as far as this one cares. */
export type SyncedState = SyncEvent['state'];

/** `at` is the session's clock when the event was sent. */
export type AuthEvent =
  | { type: 'LOGIN'; received: ReceivedTokens }
  | { type: 'LOGOUT' }
  | { type: 'TOKEN.REQUEST'; id: number; at: number }
  | { type: 'UNAUTHORIZED'; id: number; at: number; accessToken: string }
  | { type: 'REFRESH'; id: number; at: number }
  | { type: 'WAITER.CANCEL'; id: number }
  | SyncEvent
  /** The tab came back: it became visible, the network returned, or the machine woke from sleep. */
  | { type: 'WAKE'; reason: WakeReason; at: number };

export type WakeReason = 'visible' | 'online' | 'resume';

export type RejectReason = 'loggedOut' | 'expired' | 'queueFull' | 'refreshFailed' | 'coolingDown';

/** What the machine tells its owner; `session.on` forwards the lifecycle ones. */
export type AuthEmitted =
  | { type: 'waiters.resolved'; ids: number[]; tokens: TokenSet }
  | { type: 'waiters.rejected'; ids: number[]; reason: RejectReason; error: unknown }
  | { type: 'login'; tokens: TokenSet; fromOtherTab?: true }
  | { type: 'refreshed'; tokens: TokenSet; fromOtherTab?: true }
  | { type: 'refreshFailed'; error: unknown; attempt: number; willRetry: boolean }
  | { type: 'expired'; error: unknown }
  | { type: 'logout'; fromOtherTab?: true };

export interface RefreshActorInput {
  tokens: TokenSet | null;
  /** One attempt during the cooldown (see `probeDue`): a coordinator runs no round for it, just the attempt, if due. */
  probe?: boolean;
}

export interface HeartbeatActorInput {
  tokens: TokenSet;
}
