export { withSessionAuth, type ConnectionParams, type GraphqlWsAuthOptions } from './withSessionAuth.js';
export type { SessionEndError } from '../adapter-core/sessionEnd.js';
