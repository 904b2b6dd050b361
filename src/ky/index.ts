export { authHooks, type KyAuthHooks, type KyAuthOptions, type KySkipContext } from './authHooks.js';
export type { AdapterOptions } from '../adapter-core/authGate.js';
export { bearerScheme, headerScheme, type Authorize, type TokenScheme } from '../adapter-core/scheme.js';
