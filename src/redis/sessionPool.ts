import { createAuthSession, type AuthSession, type AuthSessionOptions } from '../session/createAuthSession.js';
import { positive } from '../session/sessionOptions.js';
import type { RedisStore } from './redisStore.js';
import type { RedisSharedKey } from './sharedKey.js';

export interface SessionPoolOptions {
  store: RedisStore;
  /** The options of the session for `key` (its `refresh` above all); the pool adds the Redis plugin. */
  session: (key: string) => Omit<AuthSessionOptions, 'storage' | 'tokens'>;
  /** The most sessions kept; past it the least recently used idle one is evicted. Default 10 000. */
  maxSessions?: number;
  /** A session unused this long (ms) is evicted at the next `use`. Default 300 000. */
  idleTimeout?: number;
  now?: () => number;
}

export interface SessionPool {
  /**
   * Runs `work` with the session for `key`, opening it if needed; concurrent calls for a key share
   * one session (so one refresh). Resolves after `work` and after what it changed is in Redis.
   */
  use<T>(key: string, work: (session: AuthSession) => Promise<T> | T): Promise<T>;
  /** Sessions held now. */
  readonly size: number;
  /** Stops every session and forgets every key. */
  close(): void;
}

interface Entry {
  shared: Promise<{ session: AuthSession; key: RedisSharedKey }>;
  active: number;
  lastUsed: number;
}

/**
 * Sessions per key on demand, shared by concurrent requests, evicted when idle. Eviction runs
 * on `use` (least recently used first, by idle time then count), so an idle session costs no timer.
 */
export function createSessionPool(options: SessionPoolOptions): SessionPool {
  if (typeof options?.session !== 'function') {
    throw new TypeError(`tokenflight: createSessionPool session must be a function, got ${String(options?.session)}`);
  }
  if (typeof options.store?.open !== 'function') {
    throw new TypeError(
      `tokenflight: createSessionPool store must be a createRedisStore() store, got ${String(options.store)}`,
    );
  }
  const maxSessions = Math.floor(positive('pool maxSessions', options.maxSessions, 10_000, 1));
  const idleTimeout = positive('pool idleTimeout', options.idleTimeout, 300_000);
  const now = options.now ?? Date.now;
  // Map order is use order: the least recently used entry comes first.
  const entries = new Map<string, Entry>();

  function open(key: string): Entry['shared'] {
    return options.store.open(key).then((shared) => {
      try {
        const sessionOptions = options.session(key);
        const session = createAuthSession({
          ...sessionOptions,
          plugins: [shared.plugin(), ...(sessionOptions.plugins ?? [])],
        });
        return { session, key: shared };
      } catch (error) {
        shared.close();
        throw error;
      }
    });
  }

  function evict(key: string, entry: Entry): void {
    entries.delete(key);
    entry.shared.then(
      ({ session, key: shared }) => {
        session.stop();
        shared.close();
      },
      () => {},
    );
  }

  /** Drops idle entries past `idleTimeout`, then past `maxSessions`, oldest first; never one in use. */
  function sweep(at: number): void {
    for (const [key, entry] of entries) {
      const tooMany = entries.size > maxSessions;
      if (!tooMany && at - entry.lastUsed < idleTimeout) break;
      if (entry.active === 0) evict(key, entry);
    }
  }

  return {
    async use(key, work) {
      const at = now();
      let entry = entries.get(key);
      if (entry) entries.delete(key);
      else {
        entry = { shared: open(key), active: 0, lastUsed: at };
        // A key that failed to open is not kept: the next use tries again.
        entry.shared.catch(() => entries.get(key) === entry && entries.delete(key));
      }
      entry.lastUsed = at;
      entry.active += 1;
      entries.set(key, entry);
      sweep(at);
      try {
        const { session, key: shared } = await entry.shared;
        const result = await work(session);
        await shared.flush();
        return result;
      } finally {
        entry.active -= 1;
        entry.lastUsed = now();
      }
    },
    get size() {
      return entries.size;
    },
    close() {
      for (const [key, entry] of [...entries]) evict(key, entry);
    },
  };
}
