import { clampDelay } from '../../domain/time.js';
import { RedisUnavailableError } from './RedisUnavailableError.js';
import type { RedisConnectionLike } from './types.js';

// Each script runs atomically in Redis: nothing happens between its read and its write.

/** Extends the lease only for its owner: 1 when extended, 0 when the lock is gone or someone else's. */
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** Deletes the lock only for its owner, so a holder whose lease ran out never frees its successor's lock. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Writes the record only over the version the writer read (compare-and-set), then announces it.
 * A holder whose lease ran out while another instance wrote is refused: the fencing that keeps
 * a late answer from overwriting newer tokens. Returns -1 when written, else the current version.
 */
const WRITE = `local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return current end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return -1`;

export interface StoredRecord {
  /** 0 when the key holds nothing. */
  version: number;
  /** The encoded record; null when the key holds nothing. */
  data: string | null;
}

export interface WriteRequest {
  recordKey: string;
  /** The version the writer built on. */
  base: number;
  version: number;
  data: string;
  channel: string;
  notice: string;
}

export interface RedisCommands {
  read(recordKey: string): Promise<StoredRecord>;
  /** True when written; false when another writer got there first. */
  write(request: WriteRequest): Promise<boolean>;
  /** True when this owner got the lock. */
  acquire(lockKey: string, owner: string, lease: number): Promise<boolean>;
  extend(lockKey: string, owner: string, lease: number): Promise<boolean>;
  release(lockKey: string, owner: string): Promise<void>;
}

/**
 * `promise`, or a RedisUnavailableError after `timeout` ms or when it rejects. The message names
 * the client error's class only: node-redis errors can quote a command, and commands carry tokens.
 */
export function bounded<T>(promise: Promise<T>, timeout: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new RedisUnavailableError(`${what}: no answer within ${timeout} ms`)),
      clampDelay(timeout),
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        const name = error instanceof Error ? error.name : 'unknown error';
        reject(new RedisUnavailableError(`${what} failed (${name})`, { cause: error }));
      },
    );
  });
}

/** Every command bounded by `timeout`: a failure or a silence becomes a RedisUnavailableError. */
export function redisCommands(client: RedisConnectionLike, timeout: number): RedisCommands {
  const send = (args: string[]): Promise<unknown> => bounded(client.sendCommand(args), timeout, args[0] ?? 'command');
  const evalScript = (script: string, key: string, args: string[]) => send(['EVAL', script, '1', key, ...args]);

  return {
    async read(recordKey) {
      const reply = await send(['HMGET', recordKey, 'v', 'd']);
      // HMGET answers an array (node-redis types a raw command's reply loosely).
      const fields: unknown[] = Array.isArray(reply) ? (reply as unknown[]) : [];
      const [version, data] = fields;
      return {
        version: typeof version === 'string' ? Number(version) : 0,
        data: typeof data === 'string' ? data : null,
      };
    },
    async write({ recordKey, base, version, data, channel, notice }) {
      const reply = await evalScript(WRITE, recordKey, [String(base), String(version), data, channel, notice]);
      return Number(reply) === -1;
    },
    async acquire(lockKey, owner, lease) {
      return (await send(['SET', lockKey, owner, 'NX', 'PX', String(Math.ceil(lease))])) === 'OK';
    },
    async extend(lockKey, owner, lease) {
      return Number(await evalScript(EXTEND, lockKey, [owner, String(Math.ceil(lease))])) === 1;
    },
    async release(lockKey, owner) {
      await evalScript(RELEASE, lockKey, [owner]);
    },
  };
}
