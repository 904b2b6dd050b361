export { createAuthSession } from './session/createAuthSession.js';
export type {
  AuthSession,
  AuthSessionActor,
  AuthSessionOptions,
  HeartbeatContext,
  RefreshContext,
  RetryOptions,
  SessionEvent,
  SessionEventType,
  SessionSnapshot,
} from './session/createAuthSession.js';
export type { PluginHost, PluginParts, RefreshAttempt, SessionPlugin } from './session/plugin.js';
export { authSessionMachine } from '../machines/authSession.js';
export type { AuthStatus, SessionConfig, Waiter, WakeReason } from '../machines/authSessionTypes.js';
export { memoryStorage, webStorage, type TokenStorage, type WebTokenStorage } from './session/storage.js';
// Types of the plugins' entry points ('tokenflight/cross-tab', 'tokenflight/inspect'); types cost no bytes.
export type { SharedRecord, SharedState, SharedTokenStorage } from './cross-tab/sharedRecord.js';
export type { ChannelLike, CrossTabOptions, LockManagerLike, LockRequestOptionsLike } from './cross-tab/types.js';
export type { InspectOption } from './inspect/inspectPlugin.js';
export type { TabLifeOptions } from './session/tabLife.js';
export {
  receiveTokens,
  type AnswerTiming,
  type CamelTokenInput,
  type OAuthTokenResponse,
  type TokenInput,
  type TokenSet,
} from '../domain/tokens.js';
export { isTerminalError } from '../domain/isTerminalError.js';
export {
  bearerScheme,
  headerScheme,
  type Authorize,
  type IncomingResponse,
  type OutgoingRequest,
  type Refusal,
  type TokenScheme,
} from './adapter-core/scheme.js';
export * from '../domain/errors/index.js';
