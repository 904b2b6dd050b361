import { createActor, fromPromise, type Actor, type InspectionEvent, type Observer } from 'xstate';
import { authSessionMachine } from '../machines/authSession.js';
import { clampDelay, createDelays } from '../machines/delays.js';
import type { AuthEmitted, AuthEvent, AuthStatus, HeartbeatActorInput, RefreshActorInput, SessionConfig } from '../machines/authSessionTypes.js';
import { createCrossTab } from './crossTab/createCrossTab.js';
import type { CrossTabOptions } from './crossTab/types.js';
import { LoggedOutError } from './errors/LoggedOutError.js';
import { QueueFullError } from './errors/QueueFullError.js';
import { RefreshCooldownError } from './errors/RefreshCooldownError.js';
import { SessionExpiredError } from './errors/SessionExpiredError.js';
import { WaitTimeoutError } from './errors/WaitTimeoutError.js';
import { isTerminalError } from './isTerminalError.js';
import { redactInspectionEvent } from './redact.js';
import { memoryStorage, type TokenStorage } from './storage.js';
import { watchTabLife, type TabLifeOptions } from './tabLife.js';
import { isUsable, receiveTokens, type ReceivedTokens, type TokenInput, type TokenSet } from './tokens.js';

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

export type InspectOption = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

export interface AuthSessionOptions {
  /** Exchanges the refresh token for new tokens. Throw `RefreshRejectedError` (or an error with status 400/401/403) when the server refuses it. */
  refresh: (context: RefreshContext) => Promise<TokenInput>;
  /** Asks the server whether the session is still valid; `false` starts a refresh. */
  heartbeat?: (context: HeartbeatContext) => Promise<boolean>;
  /** Start logged in with these tokens (else whatever `storage` holds). */
  tokens?: TokenInput;
  storage?: TokenStorage;
  refreshMargin?: number;
  heartbeatInterval?: number;
  refreshTimeout?: number;
  retry?: RetryOptions;
  maxQueue?: number;
  waitTimeout?: number;
  /**
   * After a refresh round runs out of retries, no new attempt with the same refresh token for
   * this long (ms), unless you call `refresh()` or the network comes back online; meanwhile a
   * need for a new token fails at once with RefreshCooldownError. Default 30 000.
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
  /** Any XState inspector; it receives events and snapshots with every token redacted. */
  inspect?: InspectOption;
  /**
   * One session for every tab of the origin: one refresh under a Web Lock, logins, refreshes,
   * logouts and expiry shared at once. Off by default; see the README's "Multiple tabs".
   */
  crossTab?: boolean | CrossTabOptions;
}

export interface SessionSnapshot {
  readonly status: AuthStatus;
  readonly tokens: TokenSet | null;
}

type LifecycleEvent = Exclude<AuthEmitted, { type: 'waiters.resolved' | 'waiters.rejected' }>;
export type SessionEventType = LifecycleEvent['type'];
export type SessionEvent<T extends SessionEventType = SessionEventType> = Extract<LifecycleEvent, { type: T }>;

export type AuthSessionActor = Actor<typeof authSessionMachine>;

export interface AuthSession {
  readonly status: AuthStatus;
  readonly tokens: TokenSet | null;
  /** @throws InvalidTokenError (a TypeError) when the token set has no string accessToken. */
  login(tokens: TokenInput): void;
  logout(): void;
  /** The token to use now: at once when idle, after the refresh while one runs. */
  getToken(): Promise<TokenSet>;
  /** Reports a 401 for the access token a request used; resolves the token to retry with. */
  unauthorized(usedAccessToken: string): Promise<TokenSet>;
  /** Refreshes now (or joins the refresh in flight). */
  refresh(): Promise<TokenSet>;
  /** Called at once and on every change of status or tokens; returns the unsubscribe function. */
  subscribe(listener: (snapshot: SessionSnapshot) => void): () => void;
  /** The same object until the status or tokens change (useSyncExternalStore). */
  getSnapshot(): SessionSnapshot;
  on<T extends SessionEventType>(type: T, handler: (event: SessionEvent<T>) => void): () => void;
  readonly actor: AuthSessionActor;
  /** Stops the actor, clears every timer and listener, and rejects whoever still waits. */
  stop(): void;
  [Symbol.dispose](): void;
}

function positive(name: string, value: number | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new RangeError(`tokenflight: ${name} must be a number >= ${min}, got ${String(value)}`);
  }
  return value;
}

function configFrom(options: AuthSessionOptions): SessionConfig {
  return {
    refreshMargin: positive('refreshMargin', options.refreshMargin, 60_000),
    heartbeatInterval: options.heartbeat ? positive('heartbeatInterval', options.heartbeatInterval, 300_000, 1) : null,
    refreshTimeout: positive('refreshTimeout', options.refreshTimeout, 10_000, 1),
    retries: Math.floor(positive('retry.retries', options.retry?.retries, 3)),
    minDelay: positive('retry.minDelay', options.retry?.minDelay, 1_000),
    maxDelay: positive('retry.maxDelay', options.retry?.maxDelay, 30_000),
    maxQueue: Math.floor(positive('maxQueue', options.maxQueue, 1_000, 1)),
    failureCooldown: positive('failureCooldown', options.failureCooldown, 30_000),
  };
}

interface Pending {
  resolve: (tokens: TokenSet) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function createAuthSession(options: AuthSessionOptions): AuthSession {
  if (typeof options?.refresh !== 'function') {
    throw new TypeError('tokenflight: createAuthSession needs a refresh function');
  }
  const config = configFrom(options);
  const now = options.now ?? Date.now;
  const waitTimeout = options.waitTimeout === undefined ? undefined : positive('waitTimeout', options.waitTimeout, 0, 1);
  const isTerminal = options.isTerminal ?? isTerminalError;
  // Validated before crossTab opens its channel, so a bad token set leaves nothing open.
  const given = options.tokens ? receiveTokens(options.tokens, now()) : null;
  const crossTab = options.crossTab
    ? createCrossTab({ option: options.crossTab, storage: options.storage, refreshTimeout: config.refreshTimeout, isTerminal })
    : null;
  if (crossTab) config.lockWait = crossTab.lockWait;
  const storage = crossTab?.storage ?? options.storage ?? memoryStorage();
  const initial = given ?? storedTokens(storage, now());
  // Every token the session has held, so the inspector redacts it wherever it shows up. Kept
  // only while an inspector listens: otherwise old tokens would pile up in memory for nothing.
  const secrets = new Set<string>();
  const rememberSecrets = (tokens: TokenSet) => {
    if (!options.inspect) return;
    secrets.add(tokens.accessToken);
    if (tokens.refreshToken) secrets.add(tokens.refreshToken);
  };

  async function refreshHere(input: RefreshActorInput, signal: AbortSignal): Promise<ReceivedTokens> {
    const previous = input.tokens?.refreshToken ?? null;
    const answer = await options.refresh({ refreshToken: previous, tokens: input.tokens, signal });
    return receiveTokens(answer, now(), previous);
  }

  const machine = authSessionMachine.provide({
    actors: {
      refresh: fromPromise<ReceivedTokens, RefreshActorInput>(({ input, signal }) =>
        crossTab ? crossTab.refresh(input, signal, refreshHere) : refreshHere(input, signal),
      ),
      heartbeat: fromPromise<boolean, HeartbeatActorInput>(async ({ input, signal }) => {
        if (!options.heartbeat) return true;
        return (await options.heartbeat({ tokens: input.tokens, signal })) !== false;
      }),
    },
    delays: createDelays(now, options.random),
    guards: {
      isTerminalError: (_, params: { error: unknown }) => isTerminal(params.error),
    },
  });

  const inspect = options.inspect;
  const actor = createActor(machine, {
    input: { config },
    inspect: inspect
      ? (event: InspectionEvent) => {
          const redacted = redactInspectionEvent(event, secrets);
          if (typeof inspect === 'function') inspect(redacted);
          else inspect.next?.(redacted);
        }
      : undefined,
  });

  const pending = new Map<number, Pending>();
  let nextId = 0;
  let stopped = false;

  function settle(id: number): Pending | undefined {
    const entry = pending.get(id);
    if (!entry) return undefined;
    pending.delete(id);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    return entry;
  }

  const subscriptions = new Set<{ unsubscribe(): void }>([
    actor.on('waiters.resolved', ({ ids, tokens }) => {
      for (const id of ids) settle(id)?.resolve(tokens);
    }),
    actor.on('waiters.rejected', ({ ids, reason, error }) => {
      const reasonError =
        reason === 'loggedOut'
          ? new LoggedOutError()
          : reason === 'expired'
            ? new SessionExpiredError()
            : reason === 'queueFull'
              ? new QueueFullError(config.maxQueue)
              : reason === 'coolingDown'
                ? new RefreshCooldownError(config.failureCooldown, { cause: error })
                : error;
      for (const id of ids) settle(id)?.reject(reasonError);
    }),
  ]);

  function wait(event: (id: number, at: number) => AuthEvent): Promise<TokenSet> {
    if (stopped) return Promise.reject(new LoggedOutError('The session was stopped'));
    return new Promise<TokenSet>((resolve, reject) => {
      const id = ++nextId;
      const entry: Pending = { resolve, reject, timer: undefined };
      pending.set(id, entry);
      if (waitTimeout !== undefined) {
        entry.timer = setTimeout(() => {
          if (!settle(id)) return;
          actor.send({ type: 'WAITER.CANCEL', id });
          reject(new WaitTimeoutError(waitTimeout));
        }, clampDelay(waitTimeout));
      }
      // The machine may answer synchronously, so the entry is registered first.
      actor.send(event(id, now()));
    });
  }

  let snapshot: SessionSnapshot = Object.freeze({ status: 'loggedOut', tokens: null });
  const listeners = new Set<(snapshot: SessionSnapshot) => void>();

  function readSnapshot(): SessionSnapshot {
    const current = actor.getSnapshot();
    const status = current.value && typeof current.value === 'object' ? (Object.keys(current.value)[0] as AuthStatus) : (current.value as AuthStatus);
    const tokens = current.context.tokens;
    if (status !== snapshot.status || tokens !== snapshot.tokens) {
      snapshot = Object.freeze({ status, tokens });
    }
    return snapshot;
  }

  subscriptions.add(
    actor.subscribe(() => {
      const before = snapshot;
      const after = readSnapshot();
      if (after === before) return;
      if (after.tokens !== before.tokens) {
        if (after.tokens) {
          rememberSecrets(after.tokens);
        }
        storage.save(after.tokens);
      }
      for (const listener of [...listeners]) listener(after);
    }),
  );

  if (crossTab) subscriptions.add({ unsubscribe: crossTab.connect(actor) });
  actor.start();
  const stopTabLife = watchTabLife((reason) => actor.send({ type: 'WAKE', reason, at: now() }), now, options.tabLife);
  if (initial) {
    rememberSecrets(initial.tokens);
    actor.send({ type: 'LOGIN', received: initial });
  }

  function stop() {
    if (stopped) return;
    stopped = true;
    stopTabLife();
    for (const subscription of subscriptions) subscription.unsubscribe();
    actor.stop();
    listeners.clear();
    const error = new LoggedOutError('The session was stopped');
    for (const id of [...pending.keys()]) settle(id)?.reject(error);
  }

  return {
    get status() {
      return readSnapshot().status;
    },
    get tokens() {
      return readSnapshot().tokens;
    },
    login(tokens) {
      const received = receiveTokens(tokens, now());
      if (stopped) throw new LoggedOutError('The session was stopped');
      rememberSecrets(received.tokens);
      actor.send({ type: 'LOGIN', received });
    },
    logout() {
      actor.send({ type: 'LOGOUT' });
    },
    getToken() {
      const current = readSnapshot();
      // The hot path: no event, no allocation beyond the promise.
      if (current.status === 'idle' && isUsable(current.tokens, now())) return Promise.resolve(current.tokens);
      return wait((id, at) => ({ type: 'TOKEN.REQUEST', id, at }));
    },
    unauthorized(usedAccessToken) {
      if (typeof usedAccessToken !== 'string') {
        return Promise.reject(new TypeError('tokenflight: unauthorized() needs the access token the request used'));
      }
      return wait((id, at) => ({ type: 'UNAUTHORIZED', id, at, accessToken: usedAccessToken }));
    },
    refresh() {
      return wait((id, at) => ({ type: 'REFRESH', id, at }));
    },
    subscribe(listener) {
      if (stopped) {
        listener(readSnapshot());
        return () => {};
      }
      listeners.add(listener);
      listener(readSnapshot());
      return () => {
        listeners.delete(listener);
      };
    },
    getSnapshot: readSnapshot,
    on(type, handler) {
      const subscription = actor.on(type, handler as (event: AuthEmitted) => void);
      subscriptions.add(subscription);
      return () => {
        subscription.unsubscribe();
        subscriptions.delete(subscription);
      };
    },
    actor,
    stop,
    [Symbol.dispose]: stop,
  };
}

function storedTokens(storage: TokenStorage, now: number): ReceivedTokens | null {
  const stored = storage.load();
  if (!stored) return null;
  try {
    return receiveTokens(stored, now);
  } catch {
    return null;
  }
}
