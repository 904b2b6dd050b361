export { attachAuth, type AxiosAuthOptions, type TokenflightAxiosMark } from './attachAuth.js';
export type { AdapterOptions } from '../adapter-core/authGate.js';
export { bearerScheme, headerScheme, type Authorize, type TokenScheme } from '../adapter-core/scheme.js';
