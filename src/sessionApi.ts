import type { AuthEmitted } from '../machines/authSessionTypes.js';
import { LoggedOutError } from '../domain/errors/LoggedOutError.js';
import { isUsable, receiveTokens } from '../domain/tokens.js';
import type { TokenScheme } from './adapters/scheme.js';
import type { WiredPlugins } from './pluginWiring.js';
import type { AuthSession, AuthSessionActor } from './sessionTypes.js';
import type { SnapshotStore } from './snapshotStore.js';
import type { Waiters } from './waiters.js';

export interface SessionParts {
  actor: AuthSessionActor;
  store: SnapshotStore;
  waiters: Waiters;
  plugins: WiredPlugins;
  scheme: TokenScheme;
  now: () => number;
  /** Undoes what was wired around the actor (tab life, plugin connections). */
  teardown: () => void;
}

type TokenRequests = Pick<AuthSession, 'getToken' | 'unauthorized' | 'refresh'>;

/** The three ways to ask for a token; each promise settles (see createWaiters). */
function tokenRequests({ store, waiters, now }: SessionParts): TokenRequests {
  return {
    getToken() {
      const current = store.read();
      // The hot path: no event, no allocation beyond the promise.
      if (current.status === 'idle' && isUsable(current.tokens, now())) return Promise.resolve(current.tokens);
      return waiters.wait((id, at) => ({ type: 'TOKEN.REQUEST', id, at }));
    },
    unauthorized(usedAccessToken) {
      if (typeof usedAccessToken !== 'string') {
        return Promise.reject(new TypeError('tokenflight: unauthorized() needs the access token the request used'));
      }
      return waiters.wait((id, at) => ({ type: 'UNAUTHORIZED', id, at, accessToken: usedAccessToken }));
    },
    refresh() {
      return waiters.wait((id, at) => ({ type: 'REFRESH', id, at }));
    },
  };
}

/** The object `createAuthSession` returns. */
export function createSessionApi(parts: SessionParts): AuthSession {
  const { actor, store, waiters, plugins, now } = parts;
  const handlers = new Set<{ unsubscribe(): void }>();
  let stopped = false;

  function stop() {
    if (stopped) return;
    stopped = true;
    parts.teardown();
    for (const handler of handlers) handler.unsubscribe();
    store.close();
    actor.stop();
    waiters.close(new LoggedOutError('The session was stopped'));
  }

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
      plugins.remember(received.tokens);
      actor.send({ type: 'LOGIN', received });
    },
    logout() {
      const held = store.read().tokens;
      // Before the machine drops them: a revocation plugin needs the tokens.
      if (held && !stopped) plugins.loggedOut(held);
      actor.send({ type: 'LOGOUT' });
    },
    ...tokenRequests(parts),
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
    scheme: parts.scheme,
    stop,
    [Symbol.dispose]: stop,
  };
}
