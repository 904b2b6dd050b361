export {
  oauth,
  type CodeCallback,
  type CodeExchangeAnswer,
  type OAuthClient,
  type OAuthOptions,
} from './createOAuth.js';
export type { DPoPOptions } from './dpop.js';
export type { LoginOptions } from './authorizationRequest.js';
export type { LoginResult } from './callback.js';
export type { ProviderLogoutOptions } from './endSession.js';
export type { LoginCalls, PopupLoginOptions } from './loginCalls.js';
export type { UserClaims } from './userStore.js';
export type { BrowserOptions, HistoryLike, LocationLike, PopupWindow, StringStorage } from './browser.js';
export { AuthorizationError } from '../../domain/errors/AuthorizationError.js';
export { LoginStateError } from '../../domain/errors/LoginStateError.js';
export { InvalidCallbackError } from '../../domain/errors/InvalidCallbackError.js';
export { IdTokenMismatchError } from '../../domain/errors/IdTokenMismatchError.js';
export { PopupClosedError } from '../../domain/errors/PopupClosedError.js';
export { PopupTimeoutError } from '../../domain/errors/PopupTimeoutError.js';
export { memoryKeyStore, indexedDbKeyStore, type DPoPKeyStore } from './keyStores.js';
export { classifyDpopChallenge, dpopScheme } from './dpopScheme.js';
export { TokenEndpointError } from '../../domain/errors/TokenEndpointError.js';
export { RevocationError } from '../../domain/errors/RevocationError.js';
export {
  classifyRefreshError,
  isOAuthTerminalError,
  oauthErrorCode,
  oauthErrors,
  type RefreshFailureKind,
} from './refreshErrors.js';
export { OAuthConfigurationError } from '../../domain/errors/OAuthConfigurationError.js';
export { DiscoveryError, type DiscoveryFailure } from '../../domain/errors/DiscoveryError.js';
