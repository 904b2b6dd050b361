export { createAuthFetch, type AuthFetch, type AuthFetchOptions } from './createAuthFetch.js';
