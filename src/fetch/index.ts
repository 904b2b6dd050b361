export { createAuthFetch, bearer, type AuthFetch, type AuthFetchOptions } from './createAuthFetch.js';
