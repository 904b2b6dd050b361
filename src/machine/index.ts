/**
 * tokenflight/machine: the session's statechart for Stately, model-based tests and apps that run
 * the machine themselves. An app that only uses sessions needs none of this.
 */
export { authSessionMachine, initialContext } from '../../machines/authSession.js';
export { authSessionSetup, type AnswerParams, type FailureParams } from '../../machines/authSessionSetup.js';
export { backoffDelay, createDelays, effectiveMargin } from '../../machines/delays.js';
export type {
  AuthContext,
  AuthEmitted,
  AuthEvent,
  AuthInput,
  HeartbeatActorInput,
  RefreshActorInput,
  RejectReason,
  SessionConfig,
  SyncEvent,
  SyncedState,
  Waiter,
  WakeReason,
} from '../../machines/authSessionTypes.js';
export type { AuthSessionActor } from '../session/sessionTypes.js';
