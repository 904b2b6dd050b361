import { isTerminalError, refreshFailureRule } from '../../domain/isTerminalError.js';
import { receiveTokens } from '../../domain/tokens.js';
import { wirePlugins } from './pluginWiring.js';
import { createSessionActor } from './sessionActor.js';
import { createSessionApi } from './sessionApi.js';
import { configFrom, numberAtLeast, type AuthSessionOptions } from './sessionOptions.js';
import type { AuthSession } from './sessionTypes.js';
import { createSnapshotStore } from './snapshotStore.js';
import { loadStored, memoryStorage } from './storage.js';
import { watchTabLife } from './tabLife.js';
import { createWaiters } from './waiters.js';

export type { AuthSessionOptions, HeartbeatContext, RefreshContext, RetryOptions } from './sessionOptions.js';
export type { AuthSession, AuthSessionActor, SessionEvent, SessionEventType, SessionSnapshot } from './sessionTypes.js';

/** A session: the statechart, with storage, plugins and tab life wired around it. */
export function createAuthSession(options: AuthSessionOptions): AuthSession {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof options?.refresh !== 'function') {
    throw new TypeError('tokenflight: refresh must be a function');
  }
  const config = configFrom(options);
  const now = options.now ?? Date.now;
  const waitTimeout = numberAtLeast('waitTimeout', options.waitTimeout, undefined, 1);
  // The app's rule, else the plugins' opinions (`oauthErrors()`), else the status; `plugins` is
  // read when a refresh fails, after the plugins (which are handed this rule) are set up.
  const isTerminal = refreshFailureRule(
    options.isTerminal ?? ((error) => plugins.isTerminal(error) ?? isTerminalError(error)),
  );
  // Validated before any plugin is set up, so a bad token set leaves nothing open.
  const given = options.tokens ? receiveTokens(options.tokens, now()) : null;
  // The retry settings are the config's (a plugin reads the fields it knows).
  const retry = { ...config, random: options.random ?? Math.random };
  const plugins = wirePlugins(options.plugins, {
    storage: options.storage,
    refreshTimeout: config.refreshTimeout,
    isTerminal,
    now,
    retry,
  });
  const storage = plugins.storage ?? options.storage ?? memoryStorage();
  const initial = given ?? loadStored(storage, now());

  const actor = createSessionActor({ options, config, now, isTerminal, plugins });
  const waiters = createWaiters({ actor, config, now, waitTimeout });
  // Every change of tokens is saved; the inspector learns new tokens first, to redact them.
  const store = createSnapshotStore(actor, (tokens) => {
    if (tokens) plugins.remember(tokens);
    storage.save(tokens);
  });
  const disconnectPlugins = plugins.connect(actor);
  actor.start();
  const stopTabLife = watchTabLife((reason) => actor.send({ type: 'WAKE', reason, at: now() }), now, options.tabLife);
  const teardown = () => {
    stopTabLife();
    disconnectPlugins();
  };
  return createSessionApi({ actor, store, waiters, plugins, now, teardown, initial });
}
