export { SERVER_SNAPSHOT, useSession, useSessionStatus, type Selector } from './useSession.js';
