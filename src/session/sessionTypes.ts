import type { Actor } from 'xstate';
import type { authSessionMachine } from '../../machines/authSession.js';
import type { AuthEmitted, AuthStatus } from '../../machines/authSessionTypes.js';
import type { TokenScheme } from './scheme.js';
import type { TokenInput, TokenSet } from '../../domain/tokens.js';

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
  subscribe: (listener: (snapshot: SessionSnapshot) => void) => () => void;
  /** The same object until the status or tokens change (useSyncExternalStore). */
  getSnapshot: () => SessionSnapshot;
  on<T extends SessionEventType>(type: T, handler: (event: SessionEvent<T>) => void): () => void;
  readonly actor: AuthSessionActor;
  /** How adapters put this session's token on requests and read refusals (Bearer unless a plugin gives another). */
  readonly scheme: TokenScheme;
  /** Stops the actor, clears every timer and listener, and rejects whoever still waits. */
  stop(): void;
  [Symbol.dispose](): void;
}
