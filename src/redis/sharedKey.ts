import type { ReceivedTokens } from '../../domain/tokens.js';
import { RefreshTimeoutError } from '../../domain/errors/RefreshTimeoutError.js';
import { clampDelay } from '../../domain/time.js';
import { receivedOf, sameSession, stateOf, syncOf } from '../coordination/recordSync.js';
import {
  compareRecords,
  LOGGED_OUT,
  untilAborted,
  type SharedRecord,
  type SharedState,
} from '../coordination/sharedRecord.js';
import type { PluginHost, PluginParts, RefreshAttempt, SessionPlugin } from '../session/plugin.js';
import type { AuthSessionActor } from '../session/sessionTypes.js';
import type { RedisCommands } from './redisCommands.js';
import type { RecordCodec } from './recordCodec.js';

/** What one key's coordinator needs from its store. */
export interface KeyParts {
  key: string;
  recordKey: string;
  lockKey: string;
  channel: string;
  commands: RedisCommands;
  codec: RecordCodec;
  lease: number;
  retryInterval: number;
  /** Names this instance as a writer (for logs and tie-breaks). */
  writer: string;
  /** Called when the key is closed, so the store stops routing notices to it. */
  forget(): void;
}

/** One key's shared session, opened by `store.open(key)`: the record, kept current, and the plugin for one session. */
export interface RedisSharedKey {
  readonly key: string;
  /** The newest record this instance knows of. */
  readonly record: SharedRecord;
  /** The plugin for the one session that holds this key in this process. */
  plugin(): SessionPlugin;
  /** Resolves when every login, logout and refresh result this instance wrote is in Redis (or failed). */
  flush(): Promise<void>;
  /** Stops following the key (the session using the plugin should be stopped too). */
  close(): void;
}

/** What the store calls on a key it opened. */
export interface OpenedKey extends RedisSharedKey {
  /** Another instance wrote `version`: read it if it is new here. */
  notice(version: number): void;
  /** Redis is back: write what could not be written, read again what may have changed. */
  resync(): Promise<void>;
}

/** One refresh, granted the lock. */
interface LockedRefresh {
  owner: string;
  input: Parameters<RefreshAttempt>[0];
  signal: AbortSignal;
  refreshHere: RefreshAttempt;
  /** The record the refresh started from. */
  base: SharedRecord;
}

const sleep = (ms: number, signal: AbortSignal, wake: Set<() => void>) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wake.delete(done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, clampDelay(ms));
    wake.add(done);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * One key coordinated through Redis: refreshes under a lease lock with an owner token, the record
 * versioned and written by compare-and-set, other instances' writes adopted from notices.
 */
export async function openSharedKey(parts: KeyParts): Promise<OpenedKey> {
  const { commands, codec, recordKey, lockKey, lease, writer } = parts;
  let known: SharedRecord = LOGGED_OUT;
  let actor: AuthSessionActor | null = null;
  let closed = false;
  let pending: Promise<unknown> = Promise.resolve();
  // A refresh result Redis did not take (it was down): written on reconnect, unless someone wrote first.
  let unsaved: SharedRecord | null = null;
  const wakers = new Set<() => void>();

  async function readStored(): Promise<SharedRecord> {
    const stored = await commands.read(recordKey);
    if (stored.data === null) return { ...LOGGED_OUT, version: stored.version };
    const record = await codec.decode(stored.data, recordKey, stored.version);
    // Unreadable (corrupt, another key): no login, but the next write must still build on its version.
    return record && record.version === stored.version ? record : { ...LOGGED_OUT, version: stored.version };
  }

  /** Takes `record` if it is newer than what this instance has; the session follows. */
  function adopt(record: SharedRecord): boolean {
    if (compareRecords(record, known) <= 0) return false;
    known = record;
    const sync = syncOf(record);
    if (actor && sync && !sameSession(stateOf(actor.getSnapshot()), record)) actor.send(sync);
    wakers.forEach((wake) => wake());
    return true;
  }

  async function refreshNews(): Promise<void> {
    adopt(await readStored());
  }

  /** Writes `record` over `base`; true when written, false when someone wrote first (then adopts theirs). */
  async function write(record: SharedRecord, base: number): Promise<boolean> {
    const data = await codec.encode(record, recordKey);
    const notice = JSON.stringify({ key: parts.key, version: record.version });
    const written = await commands.write({
      recordKey,
      base,
      version: record.version,
      data,
      channel: parts.channel,
      notice,
    });
    if (written) adopt(record);
    else await refreshNews();
    return written;
  }

  function recordOf(state: SharedState, received: ReceivedTokens | null, base: number): SharedRecord {
    return {
      version: base + 1,
      writer,
      state,
      tokens: received?.tokens ?? null,
      lifetime: received?.lifetime ?? null,
    };
  }

  /** A login or logout in this instance: written over the newest known record, in order. */
  function publishLocal(state: SharedState, received: ReceivedTokens | null): void {
    const next = pending.then(async () => {
      const base = known.version;
      await write(recordOf(state, received, base), base);
    });
    // Only the error's name: it may quote a token.
    pending = next.catch((error: unknown) =>
      console.warn(`tokenflight: redis could not store a ${state} record (${errorName(error)})`),
    );
  }

  /** The newer record another instance left, as this refresh's outcome. */
  function outcomeOf(record: SharedRecord, signal: AbortSignal): ReceivedTokens {
    const received = receivedOf(record);
    if (received) return received;
    // Logged out or expired elsewhere: `adopt` already moved the machine there.
    throw signal.reason ?? new DOMException('The session ended on another instance', 'AbortError');
  }

  /** Waits for the lock; null when another instance's newer record arrived first. */
  async function takeLock(owner: string, base: SharedRecord, signal: AbortSignal): Promise<SharedRecord | null> {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      if (compareRecords(known, base) > 0) return known;
      if (await commands.acquire(lockKey, owner, lease)) return null;
      await sleep(parts.retryInterval, signal, wakers);
    }
  }

  /** Keeps the lease while the refresh runs; aborts `lost` when it is someone else's. */
  function keepLease(owner: string, lost: AbortController): () => void {
    const timer = setInterval(
      () => {
        commands.extend(lockKey, owner, lease).then(
          (held) => {
            if (!held) lost.abort(new DOMException('The refresh lease ran out', 'AbortError'));
          },
          // Redis down: keep refreshing; the compare-and-set write decides whether the result counts.
          () => {},
        );
      },
      clampDelay(lease / 3),
    );
    return () => clearInterval(timer);
  }

  async function refreshUnderLock(
    { owner, input, signal, refreshHere, base }: LockedRefresh,
    { isTerminal, refreshTimeout }: PluginHost,
  ): Promise<ReceivedTokens> {
    // The holder before us may have written a moment ago: read under the lock.
    await refreshNews();
    if (compareRecords(known, base) > 0) return outcomeOf(known, signal);
    const lost = new AbortController();
    // The attempt's own bound, so no holder keeps the lock past `refreshTimeout`.
    const timer = setTimeout(() => lost.abort(new RefreshTimeoutError(refreshTimeout)), clampDelay(refreshTimeout));
    const attempt = AbortSignal.any([signal, lost.signal]);
    const keeping = keepLease(owner, lost);
    const stopKeeping = () => {
      clearTimeout(timer);
      keeping();
    };
    try {
      const received = await untilAborted(refreshHere(input, attempt), attempt);
      stopKeeping();
      const record = recordOf('loggedIn', received, base.version);
      try {
        if (await write(record, base.version)) return received;
      } catch {
        // Redis went away after the provider answered: keep the new tokens here and write them on reconnect.
        unsaved = record;
        known = record;
        return received;
      }
      // Refused: our lease ran out and another instance wrote newer tokens (fencing).
      return outcomeOf(known, signal);
    } catch (error) {
      stopKeeping();
      if (compareRecords(known, base) > 0) return outcomeOf(known, signal);
      if (isTerminal(error)) await write(recordOf('expired', null, base.version), base.version).catch(() => false);
      throw error;
    }
  }

  async function resync(): Promise<void> {
    const record = unsaved;
    if (record) {
      unsaved = null;
      await write(record, record.version - 1);
    } else await refreshNews();
  }

  known = await readStored();

  const opened: OpenedKey = {
    key: parts.key,
    get record() {
      return known;
    },
    plugin(): SessionPlugin {
      return {
        name: 'redis',
        setup: (host) => pluginParts(host),
      };
    },
    flush: () => pending.then(() => undefined),
    close() {
      if (closed) return;
      closed = true;
      parts.forget();
    },
    notice(version) {
      if (version > known.version) refreshNews().catch(() => {});
    },
    resync,
  };

  function pluginParts(host: PluginHost): PluginParts {
    return {
      storage: { load: () => receivedOf(known)?.tokens ?? null, save: () => {} },
      // The longest wait for the lock: a holder that refreshes for the full `refreshTimeout`, or one that died and whose lease must run out.
      attemptAllowance: host.refreshTimeout + lease + parts.retryInterval,
      refresh: async (input, signal, refreshHere) => {
        const base = known;
        const owner = crypto.randomUUID();
        const newer = await takeLock(owner, base, signal);
        if (newer) return outcomeOf(newer, signal);
        try {
          return await refreshUnderLock({ owner, input, signal, refreshHere, base }, host);
        } finally {
          commands.release(lockKey, owner).catch(() => {});
        }
      },
      connect(sessionActor) {
        actor = sessionActor;
        let previous = stateOf(sessionActor.getSnapshot());
        const subscription = sessionActor.subscribe((snapshot) => {
          const local = stateOf(snapshot);
          const changed = local.state !== previous.state || local.accessToken !== previous.accessToken;
          previous = local;
          if (!changed || sameSession(local, known)) return;
          const tokens = snapshot.context.tokens;
          publishLocal(
            local.state,
            local.state === 'loggedIn' && tokens ? { tokens, lifetime: snapshot.context.lifetime } : null,
          );
        });
        return () => {
          subscription.unsubscribe();
          actor = null;
        };
      },
    };
  }
  return opened;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
