/**
 * The parts of a node-redis client (`redis`, v5 or v6) that tokenflight/redis uses, written out so
 * its types compile without `redis` installed. Any client with these methods works.
 */
export interface RedisConnectionLike {
  /** Raw command, e.g. `['SET', key, value, 'NX']`; node-redis: `client.sendCommand`. */
  sendCommand(args: string[]): Promise<unknown>;
  /** node-redis emits 'ready' on every (re)connect and 'error' on every failure. */
  on(event: 'ready' | 'error', listener: (...args: unknown[]) => void): unknown;
  off(event: 'ready' | 'error', listener: (...args: unknown[]) => void): unknown;
}

export interface RedisSubscriberLike {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: 'ready' | 'error', listener: (...args: unknown[]) => void): unknown;
  destroy(): void;
}

export interface RedisClientLike extends RedisConnectionLike {
  /** A second connection for pub/sub (a subscribed connection takes no other commands). */
  duplicate(): RedisSubscriberLike;
}

export interface RedisStoreOptions {
  /**
   * A connected node-redis client, e.g. `await createClient({ url, disableOfflineQueue: true }).connect()`.
   * With `disableOfflineQueue` a command fails at once while Redis is down instead of waiting for
   * `commandTimeout`. The store duplicates it once for its change notices.
   */
  client: RedisClientLike;
  /** Prefix of every Redis key and of the notice channel. Default 'tokenflight'. */
  prefix?: string;
  /**
   * How long (ms) a refresh lock lasts unless its holder extends it; a holder extends it every
   * third of this while its refresh runs. A crashed holder blocks the key this long. Default 5000.
   */
  lease?: number;
  /** How often (ms) an instance waiting for the lock tries it again (notices wake it sooner). Default 50. */
  retryInterval?: number;
  /** The longest (ms) any Redis command may take before it fails with RedisUnavailableError. Default 2000. */
  commandTimeout?: number;
  /**
   * Encrypts records at rest with AES-GCM: a non-extractable `CryptoKey` made with
   * `crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt'])`.
   */
  encryptionKey?: CryptoKey;
}
