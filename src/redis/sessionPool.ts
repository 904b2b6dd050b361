import { createAuthSession, type AuthSession, type AuthSessionOptions } from '../session/createAuthSession.js';
import { numberAtLeast } from '../session/sessionOptions.js';
import type { RedisStore } from './redisStore.js';
import type { RedisSharedKey } from './sharedKey.js';
import { checkOptionsObject, optionError } from '../session/optionChecks.js';

export interface SessionPoolOptions {
  store: RedisStore;
  /**
   * The options of the session for `key` (its `refresh` above all); the pool adds the Redis plugin
   * and turns proactive refresh off (`proactiveRefresh: false`): a server refreshes when a request
   * needs a token, so an idle key never refreshes.
   */
  session: (key: string) => Omit<AuthSessionOptions, 'storage' | 'tokens'>;
  /** The most live sessions; past it the least recently used idle one is stopped (its key stays). Default 1000. */
  maxSessions?: number;
  /** A live session unused this long (ms) is stopped at the next `use` (its key stays). Default 60 000. */
  idleTimeout?: number;
  /** The most keys followed (their records kept current); past it the least recently used idle one is forgotten. Default 10 000. */
  maxKeys?: number;
  now?: () => number;
}

export interface SessionPool {
  /**
   * Runs `work` with the session for `key`, opening it if needed; concurrent calls for a key share
   * one session (so one refresh). Resolves after `work` and after what it changed is in Redis.
   */
  use<T>(key: string, work: (session: AuthSession) => Promise<T> | T): Promise<T>;
  /** Live sessions now. */
  readonly size: number;
  /** Keys followed now (with or without a live session). */
  readonly keys: number;
  /** Stops every session and forgets every key. */
  close(): void;
}

interface Entry {
  shared: Promise<RedisSharedKey>;
  session: AuthSession | null;
  active: number;
  lastUsed: number;
}

/**
 * Sessions per key on demand, shared by concurrent requests. Two tiers: a live session (an actor,
 * tens of kB) while the key is in use and shortly after; then only the key's record, kept current
 * by notices (1–2 kB), from which the next use builds the session again without a Redis read.
 * Eviction runs on `use`, least recently used first, so an idle key costs the pool no timer.
 */
export function createSessionPool(options: SessionPoolOptions): SessionPool {
  checkOptionsObject('createSessionPool', options);
  if (typeof options.session !== 'function') {
    throw optionError('pool session', 'a function that gives the session options for a key', options.session);
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof options.store?.open !== 'function') {
    throw optionError('pool store', 'a createRedisStore() store', options.store);
  }
  const maxSessions = Math.floor(numberAtLeast('pool maxSessions', options.maxSessions, 1_000, 1));
  const idleTimeout = numberAtLeast('pool idleTimeout', options.idleTimeout, 60_000);
  const maxKeys = Math.floor(numberAtLeast('pool maxKeys', options.maxKeys, 10_000, 1));
  const now = options.now ?? Date.now;
  // Map order is use order: the least recently used entry comes first.
  const entries = new Map<string, Entry>();
  const live = new Map<string, Entry>();

  function sessionFor(key: string, entry: Entry, shared: RedisSharedKey): AuthSession {
    if (entry.session) return entry.session;
    const sessionOptions = options.session(key);
    entry.session = createAuthSession({
      // A server refreshes when a request needs a token, not ahead of expiry (the app may say otherwise).
      proactiveRefresh: false,
      ...sessionOptions,
      plugins: [shared.plugin(), ...(sessionOptions.plugins ?? [])],
    });
    live.set(key, entry);
    return entry.session;
  }

  function stopSession(key: string, entry: Entry): void {
    entry.session?.stop();
    entry.session = null;
    live.delete(key);
  }

  function forget(key: string, entry: Entry): void {
    stopSession(key, entry);
    entries.delete(key);
    entry.shared.then(
      (shared) => shared.close(),
      () => {},
    );
  }

  /** Stops sessions idle past `idleTimeout` or beyond `maxSessions`, then forgets keys beyond `maxKeys`; never one in use. */
  function sweep(at: number): void {
    for (const [key, entry] of live) {
      if (live.size <= maxSessions && at - entry.lastUsed < idleTimeout) break;
      if (entry.active === 0) stopSession(key, entry);
    }
    for (const [key, entry] of entries) {
      if (entries.size <= maxKeys) break;
      if (entry.active === 0) forget(key, entry);
    }
  }

  /** Moves `key` to the end of `map`: most recently used. */
  function touch(map: Map<string, Entry>, key: string, entry: Entry): void {
    map.delete(key);
    map.set(key, entry);
  }

  return {
    async use(key, work) {
      const at = now();
      let entry = entries.get(key);
      if (!entry) {
        const opening: Entry = { shared: options.store.open(key), session: null, active: 0, lastUsed: at };
        // A key that failed to open is not kept: the next use tries again.
        opening.shared.catch(() => entries.get(key) === opening && entries.delete(key));
        entry = opening;
      }
      touch(entries, key, entry);
      if (entry.session) touch(live, key, entry);
      entry.lastUsed = at;
      entry.active += 1;
      try {
        const shared = await entry.shared;
        const session = sessionFor(key, entry, shared);
        sweep(at);
        const result = await work(session);
        await shared.flush();
        return result;
      } finally {
        entry.active -= 1;
        entry.lastUsed = now();
      }
    },
    get size() {
      return live.size;
    },
    get keys() {
      return entries.size;
    },
    close() {
      for (const [key, entry] of [...entries]) forget(key, entry);
    },
  };
}
