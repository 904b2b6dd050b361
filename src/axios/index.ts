export { attachAuth, type AxiosAuthOptions, type TokenflightAxiosMark } from './attachAuth.js';
