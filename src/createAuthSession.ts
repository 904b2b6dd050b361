import { createActor, fromPromise, type Actor, type InspectionEvent } from 'xstate';
import { authSessionMachine } from '../machines/authSession.js';
import { createDelays } from '../machines/delays.js';
import type { AuthEmitted, AuthStatus, HeartbeatActorInput, RefreshActorInput } from '../machines/authSessionTypes.js';
import { createCrossTab } from './crossTab/createCrossTab.js';
import { bearerScheme, type TokenScheme } from './adapters/scheme.js';
import { LoggedOutError } from '../domain/errors/LoggedOutError.js';
import { refreshFailureRule } from '../domain/isTerminalError.js';
import { redactInspectionEvent } from './redact.js';
import { configFrom, positive, type AuthSessionOptions } from './sessionOptions.js';
import { memoryStorage, type TokenStorage } from './storage.js';
import { watchTabLife } from './tabLife.js';
import { isUsable, receiveTokens, type ReceivedTokens, type TokenInput, type TokenSet } from '../domain/tokens.js';
import { createWaiters } from './waiters.js';
import { createRefreshAttempt } from './refreshAttempt.js';

export type { AuthSessionOptions, HeartbeatContext, InspectOption, RefreshContext, RetryOptions } from './sessionOptions.js';

// `Symbol.dispose` is ES2023+/ESNext.Disposable; declared here so the types also compile on older libs.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
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
  /** How adapters put this session's token on requests and read refusals (Bearer unless a plugin gives another). */
  readonly scheme: TokenScheme;
  /** Stops the actor, clears every timer and listener, and rejects whoever still waits. */
  stop(): void;
  [Symbol.dispose](): void;
}

export function createAuthSession(options: AuthSessionOptions): AuthSession {
  if (typeof options?.refresh !== 'function') {
    throw new TypeError('tokenflight: createAuthSession needs a refresh function');
  }
  const config = configFrom(options);
  const now = options.now ?? Date.now;
  const waitTimeout = options.waitTimeout === undefined ? undefined : positive('waitTimeout', options.waitTimeout, 0, 1);
  const isTerminal = refreshFailureRule(options.isTerminal);
  // Validated before crossTab opens its channel, so a bad token set leaves nothing open.
  const given = options.tokens ? receiveTokens(options.tokens, now()) : null;
  const crossTab = options.crossTab
    ? createCrossTab({ option: options.crossTab, storage: options.storage, refreshTimeout: config.refreshTimeout, isTerminal })
    : null;
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

  const refreshHere = createRefreshAttempt(options.refresh, now);

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
    delays: createDelays(now, options.random, crossTab?.lockWait ?? 0),
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

  const waiters = createWaiters(actor, config, now, waitTimeout);
  let stopped = false;
  const subscriptions = new Set<{ unsubscribe(): void }>();

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
    waiters.close(new LoggedOutError('The session was stopped'));
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
      return waiters.wait((id, at) => ({ type: 'TOKEN.REQUEST', id, at }));
    },
    unauthorized(usedAccessToken) {
      if (typeof usedAccessToken !== 'string') {
        return Promise.reject(new TypeError('tokenflight: unauthorized() needs the access token the request used'));
      }
      return waiters.wait((id, at) => ({ type: 'UNAUTHORIZED', id, at, accessToken: usedAccessToken }));
    },
    refresh() {
      return waiters.wait((id, at) => ({ type: 'REFRESH', id, at }));
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
    scheme: bearerScheme,
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
