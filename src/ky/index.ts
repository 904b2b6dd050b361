export { authHooks, type KyAuthHooks, type KyAuthOptions, type KySkipContext } from './authHooks.js';
