import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import { isTerminalError } from '../domain/isTerminalError.js';
import { RefreshTimeoutError } from '../domain/errors/RefreshTimeoutError.js';
import { RefreshCooldownError } from '../domain/errors/RefreshCooldownError.js';
import { SessionExpiredError } from '../domain/errors/SessionExpiredError.js';
import { ExpiredAnswerError } from '../domain/errors/ExpiredAnswerError.js';
import { isUsable, type ReceivedTokens } from '../domain/tokens.js';
import { createDelays, effectiveMargin } from './delays.js';
import type {
  AuthContext,
  AuthEmitted,
  AuthEvent,
  AuthInput,
  HeartbeatActorInput,
  RefreshActorInput,
  RejectReason,
  SyncedState,
  WakeReason,
} from './authSessionTypes.js';

/**
 * The fields of the event being handled. Each guard and action below runs only on the events the
 * chart gives it (a request, a SYNC, a WAKE, the refresh actor's done or error event), so it
 * reads that event's fields without re-checking its type (the model test walks every edge).
 */
interface Carried {
  id: number;
  at: number;
  accessToken: string;
  reason: WakeReason;
  state: SyncedState;
  /** LOGIN, and a synced login. */
  received?: ReceivedTokens;
  error: unknown;
}
const carried = (event: unknown) => event as Carried;
/** The refresh actor's answer (its done event). */
const answer = (event: unknown) => (event as { output: ReceivedTokens }).output;
/** The heartbeat actor's verdict (its done event). */
const verdict = (event: unknown) => (event as { output: boolean }).output;

/** The context for newly received tokens: a new round, no failure, no cooldown. */
function fresh({ tokens, lifetime }: ReceivedTokens): Partial<AuthContext> {
  return { tokens, lifetime, attempt: 0, lastError: null, coolingDown: false, probeDue: false, probing: false };
}

/** A LOGIN's or a synced login's tokens (the isSyncedLogin guard runs first), or a refresh answer. */
const received = ({ event }: { event: AuthEvent }) => fresh(carried(event).received ?? answer(event));

/**
 * What the auth session machine can do: its types, and its guards, actions, delays and actors by
 * name. `authSession.ts` says when it does them. The session replaces the network actors, the
 * clock (through `delays`) and `isTerminalError` with `machine.provide()`.
 */
export const authSessionSetup = setup({
  // Types only: nothing of them is needed at run time.
  types: {} as { context: AuthContext; events: AuthEvent; input: AuthInput; emitted: AuthEmitted },
  actors: {
    refresh: fromPromise<ReceivedTokens, RefreshActorInput>(async () => {
      throw new Error('tokenflight: the session provides the refresh actor');
    }),
    heartbeat: fromPromise<boolean, HeartbeatActorInput>(async () => true),
  },
  delays: createDelays(() => Date.now()),
  guards: {
    isTerminalError: ({ event }) => isTerminalError(carried(event).error),
    isAnswerAlive: ({ event }) => answer(event).lifetime !== 0,
    hasWaitersAndDeadToken: ({ context }) => context.waiters.length > 0 && context.lifetime === 0,
    isTokenUsable: ({ context, event }) => isUsable(context.tokens, carried(event).at),
    // The 401 was for a token replaced since, and the current one is still usable: no refresh needed.
    isStale: ({ context: { tokens }, event }) =>
      tokens !== null && carried(event).accessToken !== tokens.accessToken && isUsable(tokens, carried(event).at),
    isQueueFull: ({ context }) => context.waiters.length >= context.config.maxQueue,
    // A RefreshCooldownError from the refresh actor means a coordinator (cross-tab) ran the whole
    // round for this session and it gave up: the round is over here too, whatever `attempt` says.
    // A probe is one attempt: it fails back into the cooldown.
    canRetry: ({ context, event }) =>
      !context.probing &&
      context.attempt < context.config.retries &&
      !((event as { error?: unknown }).error instanceof RefreshCooldownError),
    hasKnownExpiry: ({ context }) => context.tokens?.expiresAt != null,
    hasHeartbeat: ({ context }) => context.config.heartbeatInterval !== null,
    isHeartbeatValid: ({ event }) => verdict(event),
    // SYNC: what another session sharing these tokens did (a coordinator such as cross-tab).
    isSyncedLogin: ({ event }) => carried(event).state === 'loggedIn',
    isSyncedLogout: ({ event }) => carried(event).state === 'loggedOut',
    isSyncedExpiry: ({ event }) => carried(event).state === 'expired',
    isCoolingDown: ({ context }) => context.coolingDown,
    /** The proactive timer would already have fired (it may not have: a sleeping or hidden tab). */
    isRefreshDue: ({ context, event }) =>
      context.tokens?.expiresAt != null && carried(event).at >= context.tokens.expiresAt - effectiveMargin(context),
    isProbeDue: ({ context }) => context.coolingDown && context.probeDue,
    isProbeAhead: ({ context }) => context.coolingDown && !context.probeDue,
    isProbeDueOnWake: ({ context, event }) =>
      context.coolingDown && (context.probeDue || carried(event).reason === 'online'),
  },
  actions: {
    storeTokens: assign(received),
    storeLogin: assign(received),
    storeSynced: assign(received),
    clearTokens: assign({
      tokens: null,
      lifetime: null,
      attempt: 0,
      coolingDown: false,
      probeDue: false,
      probing: false,
    }),
    forgetReason: assign({ lastError: null }),
    startRound: assign({ attempt: 0, lastError: null }),
    recordFailure: assign(({ context, event }) => ({ attempt: context.attempt + 1, lastError: carried(event).error })),
    // Keeps the answer's refresh token (the next attempt presents it), not its dead access token's use.
    recordDeadAnswer: assign(({ context, event }) => ({
      tokens: answer(event).tokens,
      lifetime: 0,
      attempt: context.attempt + 1,
      lastError: new ExpiredAnswerError(),
    })),
    recordTimeout: assign(({ context }) => ({
      attempt: context.attempt + 1,
      lastError: new RefreshTimeoutError(context.config.refreshTimeout),
    })),
    startCooldown: assign({ coolingDown: true, probeDue: false, probing: false }),
    endCooldown: assign({ coolingDown: false, probeDue: false }),
    allowProbe: assign({ probeDue: true }),
    startProbe: assign({ probeDue: false, probing: true }),
    // A new array per enqueue: snapshots stay immutable, so the machine's pure transition function
    // (xstate/graph, users' model-based tests) can branch from any of them. The copies cost
    // O(N²) in the queue length: about 2 ms for the default maxQueue of 1 000, 160 ms for 10 000.
    enqueue: assign(({ context, event }) => ({
      waiters: [...context.waiters, { id: carried(event).id, since: carried(event).at }],
    })),
    cancelWaiter: assign(({ context, event }) => ({
      waiters: context.waiters.filter((waiter) => waiter.id !== carried(event).id),
    })),
    rejectRequest: emit(({ context, event }, params: { reason: RejectReason }) => ({
      type: 'waiters.rejected' as const,
      ids: [carried(event).id],
      reason: params.reason,
      error: context.lastError,
    })),
    answerNow: emit(({ context, event }) => ({
      type: 'waiters.resolved' as const,
      ids: [carried(event).id],
      tokens: context.tokens!,
    })),
    // Tokens dead on arrival are never handed out: `hasWaitersAndDeadToken` refreshes instead.
    releaseWaiters: enqueueActions(({ context, enqueue }) => {
      if (context.waiters.length === 0 || context.tokens === null || context.lifetime === 0) return;
      enqueue.emit({ type: 'waiters.resolved', ids: context.waiters.map((w) => w.id), tokens: context.tokens });
      enqueue.assign({ waiters: [] });
    }),
    rejectWaiters: enqueueActions(({ context, enqueue }, params: { reason: RejectReason }) => {
      if (context.waiters.length === 0) return;
      enqueue.emit({
        type: 'waiters.rejected',
        ids: context.waiters.map((w) => w.id),
        reason: params.reason,
        error: context.lastError,
      });
      enqueue.assign({ waiters: [] });
    }),
    emitLogin: emit(({ context }) => ({ type: 'login' as const, tokens: context.tokens! })),
    emitRefreshed: emit(({ context }) => ({ type: 'refreshed' as const, tokens: context.tokens! })),
    emitRefreshFailed: emit(({ context }, params: { willRetry: boolean }) => ({
      type: 'refreshFailed' as const,
      error: context.lastError,
      attempt: context.attempt,
      willRetry: params.willRetry,
    })),
    emitExpired: emit(({ context }) => ({ type: 'expired' as const, error: context.lastError })),
    emitLogout: emit({ type: 'logout' as const }),
    emitSyncedLogin: emit(({ context }) => ({
      type: 'login' as const,
      tokens: context.tokens!,
      fromOtherTab: true as const,
    })),
    emitSyncedRefresh: emit(({ context }) => ({
      type: 'refreshed' as const,
      tokens: context.tokens!,
      fromOtherTab: true as const,
    })),
    emitSyncedLogout: emit({ type: 'logout' as const, fromOtherTab: true as const }),
    recordSyncedExpiry: assign({ lastError: () => new SessionExpiredError('The session expired in another tab') }),
  },
});
