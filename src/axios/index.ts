export { attachAuth, type AxiosAuthOptions, type TokenflightAxiosMark } from './attachAuth.js';
export type { AdapterOptions } from '../adapters/authGate.js';
export { bearerScheme, headerScheme, type Authorize, type TokenScheme } from '../adapters/scheme.js';
