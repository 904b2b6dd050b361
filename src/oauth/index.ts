export {
  oauth,
  type CodeCallback,
  type CodeExchangeAnswer,
  type OAuthClient,
  type OAuthOptions,
} from './createOAuth.js';
export type { OAuthTokenResponse } from '../../domain/tokens.js';
export type { DPoPOptions } from './dpop.js';
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
