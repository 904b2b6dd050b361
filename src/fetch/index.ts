export { createAuthFetch, bearer, type AuthFetch, type AuthFetchOptions } from './createAuthFetch.js';
export type { AdapterOptions } from '../adapters/authGate.js';
