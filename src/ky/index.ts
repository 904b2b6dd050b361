export { authHooks, type KyAuthHooks, type KyAuthOptions, type KySkipContext } from './authHooks.js';
export type { AdapterOptions } from '../adapters/authGate.js';
export { bearerScheme, headerScheme, type Authorize, type TokenScheme } from '../adapters/scheme.js';
