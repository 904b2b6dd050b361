import type { InspectionEvent } from 'xstate';
import type { ReceivedTokens, TokenSet } from '../../domain/tokens.js';
import type { RefreshActorInput } from '../../machines/authSessionTypes.js';
import type { TokenScheme } from './scheme.js';
import type { AuthSessionActor } from './sessionTypes.js';
import type { TokenStorage } from './storage.js';

/** One refresh attempt as the session runs it: calls the user's `refresh` and validates the answer. */
export type RefreshAttempt = (input: RefreshActorInput, signal: AbortSignal) => Promise<ReceivedTokens>;

/** The session's retry settings, for a plugin that runs refresh rounds for several sessions (cross-tab). */
export interface RetrySettings {
  retries: number;
  minDelay: number;
  maxDelay: number;
  failureCooldown: number;
  /** The backoff jitter source (the session's `random`). */
  random: () => number;
}

/** What the session tells a plugin when it is set up. */
export interface PluginHost {
  /** The session's `storage` option, if one was given. */
  storage: TokenStorage | undefined;
  refreshTimeout: number;
  isTerminal: (error: unknown) => boolean;
  now: () => number;
  /** Given by every session; optional for hosts written before it existed. */
  retry?: RetrySettings;
}

/** What a plugin adds to a session; every part is optional. */
export interface PluginParts {
  /** Where the session loads and saves its tokens instead (cross-tab's shared record). At most one plugin: two are a TypeError. */
  storage?: TokenStorage;
  /** Time each refresh attempt may spend before its own request starts (waiting for a lock), on top of `refreshTimeout`; the plugins' allowances add. */
  attemptAllowance?: number;
  /** Wraps each refresh attempt: run `attempt` under a lock, or adopt what another tab did. Wrappers chain, the first plugin's outermost. */
  refresh?: (input: RefreshActorInput, signal: AbortSignal, attempt: RefreshAttempt) => Promise<ReceivedTokens>;
  /** Called once the session's actor exists; returns the disconnect, called on `stop()`. */
  connect?: (actor: AuthSessionActor) => () => void;
  /** Sees the actor's inspection events; `remember` is told every token the session holds first. */
  inspect?: { remember(tokens: TokenSet): void; observe(event: InspectionEvent): void };
  /**
   * Whether a refresh failure ends the session, for the failures this plugin knows (OAuth error
   * codes: `oauthErrors()`); undefined leaves it to the next plugin, then `isTerminalError`. The
   * app's own `isTerminal` option overrides every plugin.
   */
  isTerminal?: (error: unknown) => boolean | undefined;
  /** How adapters put the token on requests and read refusals; becomes `session.scheme`. At most one plugin: two are a TypeError. */
  scheme?: TokenScheme;
  /**
   * The app called `logout()` holding `tokens` (revoke them at the server); called before the
   * session drops them, never for a logout in another tab. A throw is caught: logout goes on.
   */
  loggedOut?: (tokens: TokenSet) => void;
}

/** A feature a session pays for only when it is given: `createAuthSession({ refresh, plugins: [crossTab()] })`. */
export interface SessionPlugin {
  /** Names the plugin in errors. */
  readonly name: string;
  setup(host: PluginHost): PluginParts;
}
