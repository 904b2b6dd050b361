export { AuthEventSource, createAuthEventSource, type AuthEventSourceOptions } from './createAuthEventSource.js';
