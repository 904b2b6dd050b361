/**
 * tokenflight: what an app calls and the types it writes. Adapters, plugins and the machine are
 * entry points of their own ('tokenflight/fetch', 'tokenflight/cross-tab', 'tokenflight/machine', …).
 */
export { createAuthSession } from './session/createAuthSession.js';
export type {
  AuthSession,
  AuthSessionOptions,
  HeartbeatContext,
  RefreshContext,
  RetryOptions,
  SessionEvent,
  SessionEventType,
  SessionSnapshot,
} from './session/createAuthSession.js';
export type { AuthStatus } from '../machines/authSessionTypes.js';
export type { PluginHost, PluginParts, RefreshAttempt, SessionPlugin } from './session/plugin.js';
export { memoryStorage, webStorage, type TokenStorage, type WebTokenStorage } from './session/storage.js';
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
} from './session/scheme.js';
export * from '../domain/errors/index.js';
export type { AdapterOptions } from './adapter-core/authGate.js';
export type { SessionEndError } from './adapter-core/sessionEnd.js';
