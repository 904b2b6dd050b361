export { oauth, type CodeCallback, type OAuthClient, type OAuthOptions } from './createOAuth.js';
export type { OAuthTokens } from './tokenEndpoint.js';
export type { DPoPOptions } from './dpop.js';
export { memoryKeyStore, indexedDbKeyStore, type DPoPKeyStore } from './keyStores.js';
export { dpopScheme, classifyDPoPRefusal } from './dpopScheme.js';
export { TokenEndpointError } from '../../domain/errors/TokenEndpointError.js';
export { RevocationError } from '../../domain/errors/RevocationError.js';
