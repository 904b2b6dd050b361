import type { Actor } from 'xstate';
import type { authSessionMachine } from '../../machines/authSession.js';
import type { RefreshActorInput, SyncEvent } from '../../machines/authSessionTypes.js';
import { RefreshTimeoutError } from '../../domain/errors/RefreshTimeoutError.js';
import type { TokenStorage } from '../storage.js';
import { compareRecords, parseSharedRecord, type SharedRecord, type SharedState, type SharedTokenStorage } from './sharedRecord.js';
import { sharedFormOf, sharedWebStorage } from './sharedWebStorage.js';
import type { ReceivedTokens } from '../../domain/tokens.js';
import { runExclusive, stealJitter, type Grant } from './runExclusive.js';
import type { ChannelLike, CrossTabOptions, LockManagerLike } from './types.js';

/** How long a tab that queued for the lock lets the previous holder's write and message land. */
const SETTLE_MS = 30;
/** Spare time on the machine's attempt timer beyond the lock wait and the refresh itself. */
const LOCK_WAIT_SLACK_MS = 1_000;
/** What a tab says on the channel when it is granted the refresh lock. */
const HOLDING = 'tokenflight:holding-lock';

export interface CrossTabSetup {
  options: CrossTabOptions;
  /** The session's `storage` option, if any. */
  storage: TokenStorage | undefined;
  refreshTimeout: number;
  isTerminal: (error: unknown) => boolean;
}

export type RefreshHere = (input: RefreshActorInput, signal: AbortSignal) => Promise<ReceivedTokens>;

/** The plugin parts cross-tab gives a session. */
export interface CrossTab {
  /** What the session loads from and saves to; saving is the coordinator's job, so it is a no-op. */
  storage: TokenStorage;
  /** Added to the machine's attempt timer: the longest a refresh waits for the lock. */
  attemptAllowance: number;
  /** The refresh actor's body: under the lock, adopt what another tab did or refresh here. */
  refresh(input: RefreshActorInput, signal: AbortSignal, refreshHere: RefreshHere): Promise<ReceivedTokens>;
  /** Publishes this tab's logins and logouts and applies the other tabs'; returns the disconnect. */
  connect(actor: Actor<typeof authSessionMachine>): () => void;
}

let warned = false;

/** Says once per page why this session runs alone; never mentions a token. */
function warnSingleTab(missing: string): void {
  if (warned) return;
  warned = true;
  console.warn(`tokenflight: crossTab is off, ${missing}; each tab refreshes on its own.`);
}

/** For tests: the next fallback warns again. */
export function resetCrossTabWarning(): void {
  warned = false;
}

function randomWriter(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}

function defaultLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}

function defaultChannel(): ((name: string) => ChannelLike) | undefined {
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => ChannelLike }).BroadcastChannel;
  return Channel ? (name) => new Channel(name) : undefined;
}

function defaultSharedStorage(key: string): SharedTokenStorage | undefined {
  try {
    const local = (globalThis as { localStorage?: Storage }).localStorage;
    return local ? sharedWebStorage(local, key) : undefined;
  } catch {
    // Opaque origins and blocked storage throw on access.
    return undefined;
  }
}

const LOGGED_OUT: SharedRecord = { version: 0, writer: '', state: 'loggedOut', tokens: null, lifetime: null };

type Snapshot = ReturnType<Actor<typeof authSessionMachine>['getSnapshot']>;

function stateOf(snapshot: Snapshot): { state: SharedState; accessToken: string | null } {
  if (snapshot.matches('expired')) return { state: 'expired', accessToken: null };
  const tokens = snapshot.context.tokens;
  return tokens ? { state: 'loggedIn', accessToken: tokens.accessToken } : { state: 'loggedOut', accessToken: null };
}

/** Same session: the same tokens, or no tokens on either side (logged out and expired alike). */
function sameSession(local: { state: SharedState; accessToken: string | null }, record: SharedRecord): boolean {
  if (local.state !== 'loggedIn' || record.state !== 'loggedIn') return local.state !== 'loggedIn' && record.state !== 'loggedIn';
  return local.accessToken === record.tokens?.accessToken;
}

function receivedOf(record: SharedRecord): ReceivedTokens | null {
  return record.state === 'loggedIn' && record.tokens ? { tokens: record.tokens, lifetime: record.lifetime } : null;
}

/** What another tab's record means to this tab's machine (null: a login without tokens, which parsing never lets through). */
function syncOf(record: SharedRecord): SyncEvent | null {
  if (record.state !== 'loggedIn') return { type: 'SYNC', state: record.state };
  const received = receivedOf(record);
  return received && { type: 'SYNC', state: 'loggedIn', received };
}

/** Rejects with the signal's reason when it aborts first; `promise` is always handled. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) onAbort();
  });
}

/**
 * Every tab of an origin shares one session: refreshes run under one Web Lock, the result is
 * kept in versioned shared storage and announced on a BroadcastChannel. Returns null (after a
 * one-time warning) when the page lacks Web Locks, BroadcastChannel or a shared storage.
 */
export function createCrossTab(setup: CrossTabSetup): CrossTab | null {
  const options = setup.options;
  const name = options.name ?? 'tokenflight';
  const locks = options.locks ?? defaultLocks();
  const openChannel = options.channel ?? defaultChannel();
  const shared = setup.storage === undefined ? defaultSharedStorage(name) : sharedFormOf(setup.storage);
  if (!locks) return warnSingleTab('this page has no Web Locks (navigator.locks)'), null;
  if (!openChannel) return warnSingleTab('this page has no BroadcastChannel'), null;
  if (!shared) {
    return warnSingleTab('its storage is not shared between tabs (use webStorage(localStorage))'), null;
  }
  const store: SharedTokenStorage = shared;
  const open: (name: string) => ChannelLike = openChannel;
  const stealAfter = options.stealAfter ?? setup.refreshTimeout + 2_000;
  if (typeof stealAfter !== 'number' || Number.isNaN(stealAfter) || stealAfter < 0) {
    throw new RangeError(`tokenflight: crossTab.stealAfter must be a number >= 0, got ${String(stealAfter)}`);
  }
  const lockName = `tokenflight:${name}:refresh`;
  const writer = randomWriter();
  // Opened when the session first reads storage or connects, before it reads, so no write after
  // that read goes unheard; not at setup, so a session that fails to build leaves nothing open.
  let opened: ChannelLike | null = null;
  // The newest record this tab knows of; the machine holds its state (or is about to).
  let known: SharedRecord = LOGGED_OUT;
  function channel(): ChannelLike {
    if (opened) return opened;
    opened = open(`tokenflight:${name}`);
    known = store.readRecord() ?? LOGGED_OUT;
    return opened;
  }
  let actor: Actor<typeof authSessionMachine> | null = null;
  const newHolderListeners = new Set<() => void>();
  const onNewHolder = (listener: () => void) => {
    newHolderListeners.add(listener);
    return () => void newHolderListeners.delete(listener);
  };

  /** The newest of what this tab knows and what storage holds. */
  function newest(): SharedRecord {
    const stored = store.readRecord();
    return stored && compareRecords(stored, known) > 0 ? stored : known;
  }

  /** Writes and announces a record one version past anything seen. */
  function publish(state: SharedState, received: ReceivedTokens | null): void {
    const version = newest().version + 1;
    const record: SharedRecord = {
      version,
      writer,
      state,
      tokens: received?.tokens ?? null,
      lifetime: received?.lifetime ?? null,
    };
    known = record;
    store.writeRecord(record);
    channel().postMessage(record);
  }

  /** Moves the machine to `record` if it is newer than what this tab has; true when it was. */
  function adopt(record: SharedRecord): boolean {
    if (compareRecords(record, known) <= 0) return false;
    known = record;
    const sync = syncOf(record);
    if (actor && sync && !sameSession(stateOf(actor.getSnapshot()), record)) actor.send(sync);
    return true;
  }

  function onMessage(event: { data: unknown }): void {
    if (event.data === HOLDING) return newHolderListeners.forEach((listener) => listener());
    const record = parseSharedRecord(event.data);
    if (record) adopt(record);
  }

  /** The newer record another tab left, as this refresh's outcome. */
  function adopted(record: SharedRecord, signal: AbortSignal): ReceivedTokens {
    known = record;
    const received = receivedOf(record);
    if (received) return received;
    // Logged out or expired elsewhere: the machine moves there itself.
    const sync = syncOf(record);
    if (actor && sync && !sameSession(stateOf(actor.getSnapshot()), record)) actor.send(sync);
    throw signal.reason ?? new DOMException('The session ended in another tab', 'AbortError');
  }

  async function refreshUnderLock(
    input: RefreshActorInput,
    signal: AbortSignal,
    refreshHere: RefreshHere,
    { contended, lost }: Grant,
    base: SharedRecord,
  ): Promise<ReceivedTokens> {
    channel().postMessage(HOLDING);
    // The previous holder may have written a moment ago; let its write and message arrive.
    if (contended) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    if (signal.aborted) throw signal.reason;
    const before = newest();
    if (compareRecords(before, base) > 0) return adopted(before, signal);
    // Robbed while settling: the thief refreshes; this tab retries and finds its result.
    if (lost.aborted) throw lost.reason;

    const attempt = new AbortController();
    const stopAttempt = () => attempt.abort(signal.aborted ? signal.reason : lost.reason);
    signal.addEventListener('abort', stopAttempt, { once: true });
    lost.addEventListener('abort', stopAttempt, { once: true });
    const timer = setTimeout(() => attempt.abort(new RefreshTimeoutError(setup.refreshTimeout)), setup.refreshTimeout);
    try {
      const received = await untilAborted(refreshHere(input, attempt.signal), attempt.signal);
      // Someone wrote while we refreshed (a tab that stole the lock, a logout): theirs wins.
      const after = newest();
      if (compareRecords(after, base) > 0) return adopted(after, signal);
      publish('loggedIn', received);
      return received;
    } catch (error) {
      const after = newest();
      if (compareRecords(after, base) > 0) return adopted(after, signal);
      if (setup.isTerminal(error)) publish('expired', null);
      throw error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', stopAttempt);
      lost.removeEventListener('abort', stopAttempt);
    }
  }

  return {
    storage: {
      load: () => {
        channel();
        known = newest();
        return receivedOf(known)?.tokens ?? null;
      },
      save: () => {},
    },
    attemptAllowance: stealAfter + stealJitter(stealAfter) + SETTLE_MS + LOCK_WAIT_SLACK_MS,
    refresh(input, signal, refreshHere) {
      const base = known;
      return runExclusive(locks, lockName, { signal, stealAfter, onNewHolder }, (grant) => refreshUnderLock(input, signal, refreshHere, grant, base));
    },
    connect(sessionActor) {
      actor = sessionActor;
      const listening = channel();
      listening.addEventListener('message', onMessage);
      // A login or logout here. Only a change of this tab's tokens counts: between a refresh's
      // publish and the machine storing its result, other events must not republish old tokens.
      let previous = stateOf(sessionActor.getSnapshot());
      const subscription = sessionActor.subscribe((snapshot) => {
        const local = stateOf(snapshot);
        const changed = local.state !== previous.state || local.accessToken !== previous.accessToken;
        previous = local;
        if (!changed || sameSession(local, known)) return;
        publish(local.state, local.state === 'loggedIn' ? { tokens: snapshot.context.tokens!, lifetime: snapshot.context.lifetime } : null);
      });
      return () => {
        subscription.unsubscribe();
        listening.removeEventListener('message', onMessage);
        listening.close();
        actor = null;
      };
    },
  };
}
