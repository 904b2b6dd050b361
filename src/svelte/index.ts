export { sessionState, type SessionState } from './sessionState.js';
