export { withSessionAuth, type ConnectionParams, type GraphqlWsAuthOptions } from './withSessionAuth.js';
