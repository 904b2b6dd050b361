export { AuthEventSource, createAuthEventSource, type AuthEventSourceOptions } from './createAuthEventSource.js';
export type { SessionEndError } from '../adapter-core/sessionEnd.js';
