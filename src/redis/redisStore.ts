import { numberAtLeast } from '../session/sessionOptions.js';
import { checkEncryptionKey, recordCodec } from './recordCodec.js';
import { bounded, redisCommands } from './redisCommands.js';
import { openSharedKey, type OpenedKey, type RedisSharedKey } from './sharedKey.js';
import type { RedisStoreOptions } from './types.js';
import { checkOptionsObject, optionError } from '../session/optionChecks.js';

export interface RedisStore {
  /** Reads the key's record and follows it; the plugin of the result goes to the one session for the key. */
  open(key: string): Promise<RedisSharedKey>;
  /** Stops following every key and closes the notice connection (the client stays the app's). */
  close(): void;
}

interface Notice {
  key: string;
  version: number;
}

function noticeOf(message: string): Notice | null {
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed !== 'object' || parsed === null || !('key' in parsed) || !('version' in parsed)) return null;
    const { key, version } = parsed;
    return typeof key === 'string' && typeof version === 'number' ? { key, version } : null;
  } catch {
    return null;
  }
}

/**
 * Sessions shared by every instance of a server through Redis: per key a record (versioned,
 * compare-and-set), a lease lock for its refresh and notices on one pub/sub channel. Keys are
 * read again whenever the client or the notice connection (re)connects.
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  checkOptionsObject('createRedisStore', options);
  const { client } = options;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof client?.sendCommand !== 'function' || typeof client.duplicate !== 'function') {
    throw optionError('redis client', 'a node-redis client (sendCommand, duplicate)', client);
  }
  const prefix = options.prefix ?? 'tokenflight';
  if (typeof prefix !== 'string' || prefix === '') {
    throw optionError('redis prefix', 'a non-empty string', prefix);
  }
  const lease = numberAtLeast('redis lease', options.lease, 5_000, 10);
  const retryInterval = numberAtLeast('redis retryInterval', options.retryInterval, 50, 1);
  const commandTimeout = numberAtLeast('redis commandTimeout', options.commandTimeout, 2_000, 1);
  const codec = recordCodec(checkEncryptionKey(options.encryptionKey));
  const commands = redisCommands(client, commandTimeout);
  const channel = `${prefix}:notices`;
  const writer = crypto.randomUUID();
  const opened = new Map<string, Set<OpenedKey>>();

  const resyncAll = () => {
    for (const keys of opened.values()) for (const key of keys) key.resync().catch(() => {});
  };
  // Notices sent while this instance was cut off are lost: read every open key again.
  client.on('ready', resyncAll);
  const subscriber = client.duplicate();
  // Without a listener an 'error' event would crash the process; node-redis reconnects by itself.
  subscriber.on('error', () => {});
  subscriber.on('ready', resyncAll);
  const subscribed = subscriber.connect().then(() =>
    subscriber.subscribe(channel, (message) => {
      const notice = noticeOf(message);
      if (notice) opened.get(notice.key)?.forEach((key) => key.notice(notice.version));
    }),
  );
  // Opening a key waits for the subscription; a failure shows there.
  subscribed.catch(() => {});

  return {
    async open(key) {
      if (typeof key !== 'string' || key === '') {
        throw optionError('redis key', 'a non-empty string', key);
      }
      // A notice connection that cannot connect fails the open within the bound, never hangs it.
      await bounded(subscribed, commandTimeout, 'the notice subscription');
      const sharers = opened.get(key) ?? new Set<OpenedKey>();
      const shared = await openSharedKey({
        key,
        // The hash tag keeps a key's record and lock in one Redis Cluster slot.
        recordKey: `${prefix}:{${key}}:record`,
        lockKey: `${prefix}:{${key}}:lock`,
        channel,
        commands,
        codec,
        lease,
        retryInterval,
        writer,
        forget: () => {
          sharers.delete(shared);
          if (sharers.size === 0) opened.delete(key);
        },
      });
      sharers.add(shared);
      opened.set(key, sharers);
      return shared;
    },
    close() {
      client.off('ready', resyncAll);
      subscriber.destroy();
      for (const keys of [...opened.values()]) for (const key of [...keys]) key.close();
    },
  };
}
