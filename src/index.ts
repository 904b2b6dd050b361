export { createAuthSession } from './createAuthSession.js';
export type {
  AuthSession,
  AuthSessionActor,
  AuthSessionOptions,
  HeartbeatContext,
  InspectOption,
  RefreshContext,
  RetryOptions,
  SessionEvent,
  SessionEventType,
  SessionSnapshot,
} from './createAuthSession.js';
export { authSessionMachine } from '../machines/authSession.js';
export type { AuthStatus, SessionConfig, Waiter, WakeReason } from '../machines/authSessionTypes.js';
export {
  memoryStorage,
  webStorage,
  type SharedRecord,
  type SharedState,
  type SharedTokenStorage,
  type TokenStorage,
} from './storage.js';
export type { ChannelLike, CrossTabOptions, LockManagerLike, LockRequestOptionsLike } from './crossTab/types.js';
export type { TabLifeOptions } from './tabLife.js';
export { receiveTokens, type AnswerTiming, type CamelTokenInput, type OAuthTokenResponse, type TokenInput, type TokenSet } from '../domain/tokens.js';
export { classifyRefreshError, oauthErrorCode, type RefreshFailureKind } from '../domain/isTerminalError.js';
export { isTerminalError } from '../domain/isTerminalError.js';
export * from '../domain/errors/index.js';
