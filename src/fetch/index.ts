export { createAuthFetch, type AuthFetch, type AuthFetchOptions } from './createAuthFetch.js';
export type { AdapterOptions } from '../adapters/authGate.js';
export { bearerScheme, headerScheme, type Authorize, type TokenScheme } from '../adapters/scheme.js';
