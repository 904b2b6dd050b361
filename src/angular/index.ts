export { createAuthInterceptor, SKIP_TOKENFLIGHT, type AngularAuthOptions } from './authInterceptor.js';
export {
  injectSession,
  injectSessionState,
  injectSessionStatus,
  provideTokenflight,
  sessionSignal,
  tokenflightInterceptor,
} from './provideTokenflight.js';
