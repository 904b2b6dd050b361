import type { AuthEmitted } from '../../machines/authSessionTypes.js';
import { LoggedOutError } from '../../domain/errors/LoggedOutError.js';
import { isUsable, receiveTokens, type ReceivedTokens } from '../../domain/tokens.js';
import type { WiredPlugins } from './pluginWiring.js';
import type { AuthSession, AuthSessionActor } from './sessionTypes.js';
import type { SnapshotStore } from './snapshotStore.js';
import type { Waiters } from './waiters.js';

/** What the session's public object is built around. */
export interface SessionApiParts {
  /** Started. */
  actor: AuthSessionActor;
  store: SnapshotStore;
  waiters: Waiters;
  plugins: WiredPlugins;
  now: () => number;
  /** Undoes what was wired around the actor (tab life, plugin connections). */
  teardown: () => void;
  /** Tokens to log in with at once (given as an option, or found in storage). */
  initial: ReceivedTokens | null;
}

/** The object `createAuthSession` returns, around a started actor. */
export function createSessionApi({
  actor,
  store,
  waiters,
  plugins,
  now,
  teardown,
  initial,
}: SessionApiParts): AuthSession {
  const handlers = new Set<{ unsubscribe(): void }>();
  let stopped = false;

  function stop() {
    if (stopped) return;
    stopped = true;
    teardown();
    for (const handler of handlers) handler.unsubscribe();
    store.close();
    actor.stop();
    waiters.close(new LoggedOutError('The session was stopped'));
  }

  function logIn(received: ReceivedTokens) {
    // The inspector learns the tokens before any event could show them.
    plugins.remember(received.tokens);
    actor.send({ type: 'LOGIN', received });
  }

  if (initial) logIn(initial);
  return {
    get status() {
      return store.read().status;
    },
    get tokens() {
      return store.read().tokens;
    },
    login(tokens) {
      const received = receiveTokens(tokens, now());
      if (stopped) throw new LoggedOutError('The session was stopped');
      logIn(received);
    },
    logout() {
      const held = store.read().tokens;
      // Before the machine drops them: a revocation plugin needs the tokens.
      if (held && !stopped) plugins.loggedOut(held);
      actor.send({ type: 'LOGOUT' });
    },
    // The three ways to ask for a token; each promise settles (see createWaiters).
    getToken() {
      const current = store.read();
      // The hot path: no event, no allocation beyond the promise.
      if (current.status === 'idle' && isUsable(current.tokens, now())) return Promise.resolve(current.tokens);
      return waiters.wait({ type: 'TOKEN.REQUEST' });
    },
    unauthorized(usedAccessToken) {
      if (typeof usedAccessToken !== 'string') {
        return Promise.reject(new TypeError('tokenflight: unauthorized() needs the refused access token'));
      }
      return waiters.wait({ type: 'UNAUTHORIZED', accessToken: usedAccessToken });
    },
    refresh() {
      return waiters.wait({ type: 'REFRESH' });
    },
    subscribe: store.subscribe,
    getSnapshot: store.read,
    on(type, handler) {
      const subscription = actor.on(type, handler as (event: AuthEmitted) => void);
      handlers.add(subscription);
      return () => {
        subscription.unsubscribe();
        handlers.delete(subscription);
      };
    },
    actor,
    scheme: plugins.scheme,
    stop,
    [Symbol.dispose]: stop,
  };
}
