import type { ReceivedTokens } from '../../domain/tokens.js';
import { RefreshTimeoutError } from '../../domain/errors/RefreshTimeoutError.js';
import { clampDelay } from '../../domain/time.js';
import { untilAborted } from '../../domain/abort.js';
import { receivedOf, sameSession, stateOf, syncOf } from '../coordination/recordSync.js';
import { compareRecords, LOGGED_OUT, type SharedRecord, type SharedState } from '../coordination/sharedRecord.js';
import type { RefreshActorInput } from '../../machines/authSessionTypes.js';
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
  input: RefreshActorInput;
  signal: AbortSignal;
  refreshHere: RefreshAttempt;
  /** The record the refresh started from. */
  base: SharedRecord;
}

/** Waits `ms`, or until woken (news of the key) or aborted; never rejects. */
function sleep(ms: number, signal: AbortSignal, wakers: Set<() => void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wakers.delete(done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, clampDelay(ms));
    wakers.add(done);
    signal.addEventListener('abort', done, { once: true });
  });
}

const SETTLED: Promise<unknown> = Promise.resolve();

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/**
 * One key coordinated through Redis: refreshes under a lease lock with an owner token, the record
 * versioned and written by compare-and-set, other instances' writes adopted from notices. A class,
 * so a followed key costs its fields only (a pool keeps thousands idle), not a closure per step.
 */
class RedisKey implements OpenedKey {
  readonly #parts: KeyParts;
  #known: SharedRecord = LOGGED_OUT;
  #actor: AuthSessionActor | null = null;
  #closed = false;
  #pending: Promise<unknown> = SETTLED;
  // A refresh result Redis did not take (it was down): written on reconnect, unless someone wrote first.
  #unsaved: SharedRecord | null = null;
  // Made when a refresh first waits for the lock.
  #wakers: Set<() => void> | null = null;

  constructor(parts: KeyParts) {
    this.#parts = parts;
  }

  get key(): string {
    return this.#parts.key;
  }

  get record(): SharedRecord {
    return this.#known;
  }

  async load(): Promise<void> {
    this.#known = await this.#readStored();
  }

  plugin(): SessionPlugin {
    return { name: 'redis', setup: (host) => this.#pluginParts(host) };
  }

  flush(): Promise<void> {
    return this.#pending.then(() => undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#parts.forget();
  }

  notice(version: number): void {
    if (version > this.#known.version) this.#refreshNews().catch(() => {});
  }

  async resync(): Promise<void> {
    const record = this.#unsaved;
    if (record) {
      this.#unsaved = null;
      await this.#write(record, record.version - 1);
    } else await this.#refreshNews();
  }

  async #readStored(): Promise<SharedRecord> {
    const { commands, codec, recordKey } = this.#parts;
    const stored = await commands.read(recordKey);
    if (stored.data === null) return { ...LOGGED_OUT, version: stored.version };
    const record = await codec.decode(stored.data, recordKey, stored.version);
    // Unreadable (corrupt, another key): no login, but the next write must still build on its version.
    return record && record.version === stored.version ? record : { ...LOGGED_OUT, version: stored.version };
  }

  /** Takes `record` if it is newer than what this instance has; the session follows. */
  #adopt(record: SharedRecord): boolean {
    if (compareRecords(record, this.#known) <= 0) return false;
    this.#known = record;
    const sync = syncOf(record);
    const actor = this.#actor;
    if (actor && sync && !sameSession(stateOf(actor.getSnapshot()), record)) actor.send(sync);
    this.#wakers?.forEach((wake) => wake());
    return true;
  }

  async #refreshNews(): Promise<void> {
    this.#adopt(await this.#readStored());
  }

  /** Writes `record` over `base`; true when written, false when someone wrote first (then adopts theirs). */
  async #write(record: SharedRecord, base: number): Promise<boolean> {
    const { commands, codec, recordKey, channel, key } = this.#parts;
    const data = await codec.encode(record, recordKey);
    const notice = JSON.stringify({ key, version: record.version });
    const written = await commands.write({ recordKey, base, version: record.version, data, channel, notice });
    if (written) this.#adopt(record);
    else await this.#refreshNews();
    return written;
  }

  #recordOf(state: SharedState, received: ReceivedTokens | null, base: number): SharedRecord {
    return {
      version: base + 1,
      writer: this.#parts.writer,
      state,
      tokens: received?.tokens ?? null,
      lifetime: received?.lifetime ?? null,
    };
  }

  /** A login or logout in this instance: written over the newest known record, in order. */
  #publishLocal(state: SharedState, received: ReceivedTokens | null): void {
    const next = this.#pending.then(async () => {
      const base = this.#known.version;
      await this.#write(this.#recordOf(state, received, base), base);
    });
    // Only the error's name: it may quote a token.
    this.#pending = next.catch((error: unknown) =>
      console.warn(`tokenflight: redis could not store a ${state} record (${errorName(error)})`),
    );
  }

  /** The newer record another instance left, as this refresh's outcome. */
  #outcomeOf(record: SharedRecord, signal: AbortSignal): ReceivedTokens {
    const received = receivedOf(record);
    if (received) return received;
    // Logged out or expired elsewhere: `#adopt` already moved the machine there.
    throw signal.reason ?? new DOMException('The session ended on another instance', 'AbortError');
  }

  /** Waits for the lock; null once it is this owner's, else the newer record another instance left first. */
  async #takeLock(owner: string, base: SharedRecord, signal: AbortSignal): Promise<SharedRecord | null> {
    const { commands, lockKey, lease, retryInterval } = this.#parts;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      if (compareRecords(this.#known, base) > 0) return this.#known;
      if (await commands.acquire(lockKey, owner, lease)) return null;
      this.#wakers ??= new Set();
      await sleep(retryInterval, signal, this.#wakers);
    }
  }

  /** Keeps the lease while the refresh runs; aborts `lost` when it is someone else's. */
  #keepLease(owner: string, lost: AbortController): () => void {
    const { commands, lockKey, lease } = this.#parts;
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

  async #refreshUnderLock(
    { owner, input, signal, refreshHere, base }: LockedRefresh,
    { isTerminal, refreshTimeout }: PluginHost,
  ): Promise<ReceivedTokens> {
    // The holder before us may have written a moment ago: read under the lock.
    await this.#refreshNews();
    if (compareRecords(this.#known, base) > 0) return this.#outcomeOf(this.#known, signal);
    const lost = new AbortController();
    // The attempt's own bound, so no holder keeps the lock past `refreshTimeout`.
    const timer = setTimeout(() => lost.abort(new RefreshTimeoutError(refreshTimeout)), clampDelay(refreshTimeout));
    const attempt = AbortSignal.any([signal, lost.signal]);
    const keeping = this.#keepLease(owner, lost);
    const stopKeeping = () => {
      clearTimeout(timer);
      keeping();
    };
    try {
      const received = await untilAborted(refreshHere(input, attempt), attempt);
      stopKeeping();
      const record = this.#recordOf('loggedIn', received, base.version);
      try {
        if (await this.#write(record, base.version)) return received;
      } catch {
        // Redis went away after the provider answered: keep the new tokens here and write them on reconnect.
        this.#unsaved = record;
        this.#known = record;
        return received;
      }
      // Refused: our lease ran out and another instance wrote newer tokens (fencing).
      return this.#outcomeOf(this.#known, signal);
    } catch (error) {
      stopKeeping();
      if (compareRecords(this.#known, base) > 0) return this.#outcomeOf(this.#known, signal);
      if (isTerminal(error)) {
        await this.#write(this.#recordOf('expired', null, base.version), base.version).catch(() => false);
      }
      throw error;
    }
  }

  async #refresh(
    host: PluginHost,
    input: RefreshActorInput,
    signal: AbortSignal,
    refreshHere: RefreshAttempt,
  ): Promise<ReceivedTokens> {
    const base = this.#known;
    const owner = crypto.randomUUID();
    const newer = await this.#takeLock(owner, base, signal);
    if (newer) return this.#outcomeOf(newer, signal);
    try {
      return await this.#refreshUnderLock({ owner, input, signal, refreshHere, base }, host);
    } finally {
      this.#parts.commands.release(this.#parts.lockKey, owner).catch(() => {});
    }
  }

  /** Publishes this instance's logins and logouts; returns the disconnect. */
  #connect(sessionActor: AuthSessionActor): () => void {
    this.#actor = sessionActor;
    let previous = stateOf(sessionActor.getSnapshot());
    const subscription = sessionActor.subscribe((snapshot) => {
      const local = stateOf(snapshot);
      const changed = local.state !== previous.state || local.accessToken !== previous.accessToken;
      previous = local;
      if (!changed || sameSession(local, this.#known)) return;
      const tokens = snapshot.context.tokens;
      this.#publishLocal(
        local.state,
        local.state === 'loggedIn' && tokens ? { tokens, lifetime: snapshot.context.lifetime } : null,
      );
    });
    return () => {
      subscription.unsubscribe();
      this.#actor = null;
    };
  }

  #pluginParts(host: PluginHost): PluginParts {
    return {
      storage: { load: () => receivedOf(this.#known)?.tokens ?? null, save: () => {} },
      // The longest wait for the lock: a holder that refreshes for the full `refreshTimeout`, or one that died and whose lease must run out.
      attemptAllowance: host.refreshTimeout + this.#parts.lease + this.#parts.retryInterval,
      refresh: (input, signal, refreshHere) => this.#refresh(host, input, signal, refreshHere),
      connect: (actor) => this.#connect(actor),
    };
  }
}

/** Opens `parts.key`: reads its record, then follows it. */
export async function openSharedKey(parts: KeyParts): Promise<OpenedKey> {
  const opened = new RedisKey(parts);
  await opened.load();
  return opened;
}
