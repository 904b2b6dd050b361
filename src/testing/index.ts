export { createAuthServer } from './createAuthServer.js';
export type {
  AuthRoute,
  AuthServer,
  AuthServerCounters,
  AuthServerOptions,
  Fault,
  FaultOptions,
  Gate,
} from './createAuthServer.js';
export { createAuthClient, AuthServerError, type AuthClient } from './createAuthClient.js';
export { createAuthFlowModel, authFlowMachine } from './authFlowModel.js';
export type {
  AuthFlowModel,
  AuthFlowOptions,
  AuthFlowPath,
  FlowContext,
  FlowEvent,
  FlowSetup,
  FlowState,
} from './authFlowModel.js';
export { createAuthBackend } from './authBackend.js';
export type { AuthBackend, AuthBackendOptions, AuthBackendStats, IssuedTokens } from './authBackend.js';
export { edgeCoveringPaths } from './edgePaths.js';
