import { createActor, fromPromise } from 'xstate';
import { authSessionMachine } from '../../machines/authSession.js';
import type { FailureParams } from '../../machines/authSessionSetup.js';
import { createDelays } from '../../machines/delays.js';
import type { HeartbeatActorInput, RefreshActorInput, SessionConfig } from '../../machines/authSessionTypes.js';
import type { ReceivedTokens } from '../../domain/tokens.js';
import type { WiredPlugins } from './pluginWiring.js';
import { createRefreshAttempt } from './refreshAttempt.js';
import { patientClock } from './patientTimer.js';
import type { AuthSessionOptions } from './sessionOptions.js';
import type { AuthSessionActor } from './sessionTypes.js';

/** What the session's actor is made of. */
export interface SessionActorParts {
  options: AuthSessionOptions;
  config: SessionConfig;
  now: () => number;
  /** The session's rule for a failed refresh: true ends the session. */
  isTerminal: (error: unknown) => boolean;
  plugins: WiredPlugins;
}

/** The machine with the user's refresh and heartbeat, wrapped by the plugins; not started. */
export function createSessionActor({ options, config, now, isTerminal, plugins }: SessionActorParts): AuthSessionActor {
  const refresh = plugins.wrap(createRefreshAttempt(options.refresh, now));
  const machine = authSessionMachine.provide({
    actors: {
      refresh: fromPromise<ReceivedTokens, RefreshActorInput>(({ input, signal }) => refresh(input, signal)),
      // Without a heartbeat option (never invoked then), undefined !== false: valid.
      heartbeat: fromPromise<boolean, HeartbeatActorInput>(
        async ({ input, signal }) => (await options.heartbeat?.({ tokens: input.tokens, signal })) !== false,
      ),
    },
    delays: createDelays(now, options.random, plugins.attemptAllowance),
    guards: {
      isTerminalError: (_, { error }: FailureParams) => isTerminal(error),
    },
  });
  return createActor(machine, { input: { config }, inspect: plugins.inspector, clock: patientClock(now) });
}
