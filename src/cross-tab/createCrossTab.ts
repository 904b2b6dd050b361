import type { Actor } from 'xstate';
import type { authSessionMachine } from '../../machines/authSession.js';
import type { RefreshActorInput } from '../../machines/authSessionTypes.js';
import { RefreshTimeoutError } from '../../domain/errors/RefreshTimeoutError.js';
import { untilAborted } from '../../domain/abort.js';
import { patientTimeout } from '../session/patientTimer.js';
import { numberAtLeast } from '../session/sessionOptions.js';
import type { TokenStorage } from '../session/storage.js';
import {
  compareRecords,
  parseSharedRecord,
  type SharedRecord,
  type SharedState,
  type SharedTokenStorage,
} from './sharedRecord.js';
import { sharedFormOf } from './sharedWebStorage.js';
import { defaultChannel, defaultLocks, defaultSharedStorage, randomWriter, warnSingleTab } from './pageDefaults.js';
import { receivedOf, sameSession, stateOf, syncOf } from '../coordination/recordSync.js';
import { LOGGED_OUT } from '../coordination/sharedRecord.js';
import type { ReceivedTokens } from '../../domain/tokens.js';
import { runExclusive, stealJitter, type LockGrant } from './runExclusive.js';
import { createOriginRound, type OriginRound, type RoundSettings } from './originRound.js';
import type { RoundVerdict } from './sharedRound.js';
import type { ChannelLike, CrossTabOptions } from './types.js';

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
  /**
   * The session's retry settings: with them the tabs run one refresh round per origin (see
   * `refresh`); without them each tab's machine retries on its own, as before.
   */
  round?: RoundSettings;
  now?: () => number;
}

export type RefreshHere = (input: RefreshActorInput, signal: AbortSignal) => Promise<ReceivedTokens>;

/** The plugin parts cross-tab gives a session. */
export interface CrossTab {
  /** What the session loads from and saves to; saving is the coordinator's job, so it is a no-op. */
  storage: TokenStorage;
  /** Added to the machine's attempt timer: the longest a refresh waits for the lock, or (with `round`) the whole round takes. */
  attemptAllowance: number;
  /**
   * The refresh actor's body: under the lock, adopt what another tab did or refresh here.
   *
   * With `round`, one call runs the origin's whole refresh round, not one attempt: the tabs
   * share the round's failures, backoff and cooldown (`originRound.ts`), so a server that is
   * down sees `retries + 1` attempts per round however many tabs are open. A tab whose round is
   * backing off lets go of the lock and waits for news or the retry time; the round ends in
   * every tab at once, with the new tokens, the terminal error, or a RefreshCooldownError (the
   * machine's `isRoundOverElsewhere` guard ends this tab's round on it, whatever its own retry count).
   * The machine's own retries stay for what the round cannot see (a dead-on-arrival answer, a
   * stolen lock), and its attempt timer is stretched over the whole round (`attemptAllowance`).
   */
  refresh(input: RefreshActorInput, signal: AbortSignal, refreshHere: RefreshHere): Promise<ReceivedTokens>;
  /** Publishes this tab's logins and logouts and applies the other tabs'; returns the disconnect. */
  connect(actor: Actor<typeof authSessionMachine>): () => void;
}

/** The machine's extra attempt time: one lock wait alone, or a whole round of lock waits, attempts and backoffs. */
function allowanceFor(lockWait: number, refreshTimeout: number, round: RoundSettings | undefined): number {
  const retries = round?.retries ?? 0;
  return (retries + 1) * lockWait + retries * (refreshTimeout + (round?.maxDelay ?? 0)) + LOCK_WAIT_SLACK_MS;
}

export { resetCrossTabWarning } from './pageDefaults.js';

/** Under the lock: the refresh's outcome, or the time to wait for the round's news. */
type Step = { done: ReceivedTokens } | { waitUntil: number };

const ATTEMPT_ALONE: RoundVerdict = { kind: 'attempt', failures: 0 };

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
  if (!locks) {
    warnSingleTab('this page has no Web Locks (navigator.locks)');
    return null;
  }
  if (!openChannel) {
    warnSingleTab('this page has no BroadcastChannel');
    return null;
  }
  if (!shared) {
    return (warnSingleTab('its storage is not shared between tabs (use webStorage(localStorage))'), null);
  }
  const store: SharedTokenStorage = shared;
  const open: (name: string) => ChannelLike = openChannel;
  const stealAfter = numberAtLeast('crossTab.stealAfter', options.stealAfter, setup.refreshTimeout + 2_000);
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
  const now = setup.now ?? Date.now;
  // A round not rewritten this long after its retry time lost its tabs: the next tab starts over.
  const lockWait = stealAfter + stealJitter(stealAfter) + SETTLE_MS;
  const rounds: OriginRound | null = setup.round
    ? createOriginRound({
        store,
        post: (message) => channel().postMessage(message),
        writer,
        now,
        settings: setup.round,
        staleAfter: lockWait + setup.refreshTimeout + LOCK_WAIT_SLACK_MS,
      })
    : null;
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
    rounds?.news();
    const sync = syncOf(record);
    if (actor && sync && !sameSession(stateOf(actor.getSnapshot()), record)) actor.send(sync);
    return true;
  }

  function onMessage(event: { data: unknown }): void {
    if (event.data === HOLDING) {
      for (const listener of newHolderListeners) listener();
      return;
    }
    if (rounds?.receive(event.data)) return;
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
    { contended, lost }: LockGrant,
    base: SharedRecord,
  ): Promise<Step> {
    channel().postMessage(HOLDING);
    // The previous holder may have written a moment ago; let its write and message arrive.
    if (contended) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    if (signal.aborted) throw signal.reason;
    const before = newest();
    if (compareRecords(before, base) > 0) return { done: adopted(before, signal) };
    // Robbed while settling: the thief refreshes; this tab retries and finds its result.
    if (lost.aborted) throw lost.reason;
    const verdict = rounds?.verdict(base, input.probe) ?? ATTEMPT_ALONE;
    if (verdict.kind === 'over') throw verdict.error;
    if (verdict.kind === 'wait') return { waitUntil: verdict.until };
    return attemptUnderLock(input, signal, refreshHere, lost, base, verdict.failures);
  }

  /** This tab's attempt for the round, which has seen `failures` failed attempts so far. */
  async function attemptUnderLock(
    input: RefreshActorInput,
    signal: AbortSignal,
    refreshHere: RefreshHere,
    lost: AbortSignal,
    base: SharedRecord,
    failures: number,
  ): Promise<Step> {
    const attempt = new AbortController();
    const stopAttempt = () => attempt.abort(signal.aborted ? signal.reason : lost.reason);
    signal.addEventListener('abort', stopAttempt, { once: true });
    lost.addEventListener('abort', stopAttempt, { once: true });
    // Patient: a tab that wakes from a freeze with the answer already here takes it (see patientTimer.ts).
    const timer = patientTimeout(
      () => attempt.abort(new RefreshTimeoutError(setup.refreshTimeout)),
      setup.refreshTimeout,
      now,
    );
    try {
      const received = await untilAborted(refreshHere(input, attempt.signal), attempt.signal);
      // Someone wrote while we refreshed (a tab that stole the lock, a logout): theirs wins.
      const after = newest();
      if (compareRecords(after, base) > 0) return { done: adopted(after, signal) };
      publish('loggedIn', received);
      return { done: received };
    } catch (error) {
      const after = newest();
      if (compareRecords(after, base) > 0) return { done: adopted(after, signal) };
      if (setup.isTerminal(error)) publish('expired', null);
      // Aborted by the caller or a thief: not a failure of the server's, so not the round's.
      if (!rounds || setup.isTerminal(error) || signal.aborted || lost.aborted) throw error;
      const next = rounds.fail(base, failures, error);
      if (next.kind === 'over') throw next.error;
      return { waitUntil: next.kind === 'wait' ? next.until : now() };
    } finally {
      clearTimeout(timer.id);
      signal.removeEventListener('abort', stopAttempt);
      lost.removeEventListener('abort', stopAttempt);
    }
  }

  /** The round's end reaches a waiting tab at once, without queueing for the lock; null: time to attempt. */
  async function awaitRound(
    round: OriginRound,
    until: number,
    signal: AbortSignal,
    base: SharedRecord,
  ): Promise<ReceivedTokens | null> {
    for (let verdict: RoundVerdict = { kind: 'wait', until }; verdict.kind === 'wait';) {
      await round.waitForNews(verdict.until, signal);
      const record = newest();
      if (compareRecords(record, base) > 0) return adopted(record, signal);
      verdict = round.verdict(base);
      if (verdict.kind === 'over') throw verdict.error;
    }
    return null;
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
    // Every attempt of the round may wait for the lock; the backoffs and the other tabs' attempts come on top.
    attemptAllowance: allowanceFor(lockWait, setup.refreshTimeout, setup.round),
    async refresh(input, signal, refreshHere) {
      const base = known;
      // An explicit refresh() during this tab's cooldown starts a new round; a probe is one attempt of the old one.
      if (!input.probe && actor?.getSnapshot().context.coolingDown) rounds?.restart(base);
      for (;;) {
        const step = await runExclusive(locks, lockName, { signal, stealAfter, onNewHolder }, (grant) =>
          refreshUnderLock(input, signal, refreshHere, grant, base),
        );
        if ('done' in step) return step.done;
        // A step waits for another tab's round only when there are rounds to wait on.
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- see above
        const adoptedTokens = await awaitRound(rounds!, step.waitUntil, signal, base);
        if (adoptedTokens) return adoptedTokens;
      }
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
        const { tokens, lifetime } = snapshot.context;
        publish(local.state, local.state === 'loggedIn' && tokens ? { tokens, lifetime } : null);
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
