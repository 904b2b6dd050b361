import type { InspectionEvent } from 'xstate';
import type { ReceivedTokens, TokenSet } from '../domain/tokens.js';
import type { RefreshActorInput } from '../machines/authSessionTypes.js';
import type { TokenScheme } from './adapters/scheme.js';
import type { AuthSessionActor } from './createAuthSession.js';
import type { TokenStorage } from './storage.js';

/** One refresh attempt as the session runs it: calls the user's `refresh` and validates the answer. */
export type RefreshAttempt = (input: RefreshActorInput, signal: AbortSignal) => Promise<ReceivedTokens>;

/** What the session tells a plugin when it is set up. */
export interface PluginHost {
  /** The session's `storage` option, if one was given. */
  storage: TokenStorage | undefined;
  refreshTimeout: number;
  isTerminal: (error: unknown) => boolean;
  now: () => number;
}

/** What a plugin adds to a session; every part is optional. */
export interface PluginParts {
  /** Where the session loads and saves its tokens instead (cross-tab's shared record). At most one plugin. */
  storage?: TokenStorage;
  /** Time each refresh attempt may spend before its own request starts (waiting for a lock), on top of `refreshTimeout`. */
  attemptAllowance?: number;
  /** Wraps each refresh attempt: run `attempt` under a lock, or adopt what another tab did. */
  refresh?: (input: RefreshActorInput, signal: AbortSignal, attempt: RefreshAttempt) => Promise<ReceivedTokens>;
  /** Called once the session's actor exists; returns the disconnect, called on `stop()`. */
  connect?: (actor: AuthSessionActor) => () => void;
  /** Sees the actor's inspection events; `remember` is told every token the session holds first. */
  inspect?: { remember(tokens: TokenSet): void; observe(event: InspectionEvent): void };
  /** How adapters put the token on requests and read refusals. At most one plugin. */
  scheme?: TokenScheme;
  /** The app logged out holding `tokens` (revoke them at the server); must not throw or delay the logout. */
  loggedOut?: (tokens: TokenSet) => void;
}

/** A feature a session pays for only when it is given: `createAuthSession({ refresh, plugins: [crossTab()] })`. */
export interface SessionPlugin {
  /** Names the plugin in errors. */
  readonly name: string;
  setup(host: PluginHost): PluginParts;
}
