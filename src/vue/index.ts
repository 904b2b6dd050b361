export { injectSession, tokenflight, useSession } from './useSession.js';
