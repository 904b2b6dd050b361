import { assertEvent, assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
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
} from './authSessionTypes.js';

/** The context for newly received tokens: a new round, no failure, no cooldown. */
function fresh({ tokens, lifetime }: ReceivedTokens): Partial<AuthContext> {
  return { tokens, lifetime, attempt: 0, lastError: null, coolingDown: false, probeDue: false, probing: false };
}

/** The events that ask for a token and wait in the queue for one. */
const REQUESTS = ['TOKEN.REQUEST', 'UNAUTHORIZED', 'REFRESH'] as const;

/** The refresh actor's error (its error event), handed to guards and actions as params. */
export interface FailureParams {
  error: unknown;
}

/** The refresh actor's answer (its done event), handed to guards and actions as params. */
export interface AnswerParams {
  answer: ReceivedTokens;
}

/**
 * What the auth session machine can do: its types, and its guards, actions, delays and actors by
 * name. `authSession.ts` says when it does them. The session replaces the network actors, the
 * clock (through `delays`) and `isTerminalError` with `machine.provide()`.
 */
export const authSessionSetup = setup({
  // Types only: nothing of them is needed at run time.
  types: {
    context: {} as AuthContext,
    events: {} as AuthEvent,
    input: {} as AuthInput,
    emitted: {} as AuthEmitted,
  },
  actors: {
    refresh: fromPromise<ReceivedTokens, RefreshActorInput>(() =>
      Promise.reject(new Error('tokenflight: the session provides the refresh actor')),
    ),
    heartbeat: fromPromise<boolean, HeartbeatActorInput>(() => Promise.resolve(true)),
  },
  delays: createDelays(() => Date.now()),
  guards: {
    isTerminalError: (_, { error }: FailureParams) => isTerminalError(error),
    // A RefreshCooldownError from the refresh actor means a coordinator (cross-tab) ran the whole
    // round for this session and it gave up: the round is over here too, whatever `attempt` says.
    isRoundOverElsewhere: (_, { error }: FailureParams) => error instanceof RefreshCooldownError,
    isAnswerAlive: (_, { answer }: AnswerParams) => answer.lifetime !== 0,
    hasWaitersAndDeadToken: ({ context }) => context.waiters.length > 0 && context.lifetime === 0,
    isTokenUsable: ({ context, event }) => {
      assertEvent(event, 'TOKEN.REQUEST');
      return isUsable(context.tokens, event.at);
    },
    // The 401 was for a token replaced since, and the current one is still usable: no refresh needed.
    isStale: ({ context: { tokens }, event }) => {
      assertEvent(event, 'UNAUTHORIZED');
      return tokens !== null && event.accessToken !== tokens.accessToken && isUsable(tokens, event.at);
    },
    isQueueFull: ({ context }) => context.waiters.length >= context.config.maxQueue,
    // A probe is one attempt: it fails back into the cooldown.
    canRetry: ({ context }) => !context.probing && context.attempt < context.config.retries,
    // Proactive refresh is on and the token says when it expires.
    refreshesAhead: ({ context }) => context.config.proactiveRefresh && context.tokens?.expiresAt != null,
    hasHeartbeat: ({ context }) => context.config.heartbeatInterval !== null,
    isHeartbeatValid: (_, { valid }: { valid: boolean }) => valid,
    // SYNC: what another session sharing these tokens did (a coordinator such as cross-tab).
    isSyncedLogin: ({ event }) => {
      assertEvent(event, 'SYNC');
      return event.state === 'loggedIn';
    },
    isSyncedLogout: ({ event }) => {
      assertEvent(event, 'SYNC');
      return event.state === 'loggedOut';
    },
    isSyncedExpiry: ({ event }) => {
      assertEvent(event, 'SYNC');
      return event.state === 'expired';
    },
    isCoolingDown: ({ context }) => context.coolingDown,
    /** The proactive timer would already have fired (it may not have: a sleeping or hidden tab). */
    isRefreshDue: ({ context, event }) => {
      assertEvent(event, 'WAKE');
      const expiresAt = context.tokens?.expiresAt;
      return expiresAt != null && event.at >= expiresAt - effectiveMargin(context);
    },
    isProbeDue: ({ context }) => context.coolingDown && context.probeDue,
    isProbeAhead: ({ context }) => context.coolingDown && !context.probeDue,
    /** Coming back online is news the failed round did not have: a probe at once. */
    isProbeDueOnWake: ({ context, event }) => {
      assertEvent(event, 'WAKE');
      return context.coolingDown && (context.probeDue || event.reason === 'online');
    },
  },
  actions: {
    storeTokens: assign((_, { answer }: AnswerParams) => fresh(answer)),
    storeLogin: assign(({ event }) => {
      assertEvent(event, 'LOGIN');
      return fresh(event.received);
    }),
    // Runs behind the isSyncedLogin guard: a SYNC that carries no tokens changes nothing.
    storeSynced: assign(({ event }) => {
      assertEvent(event, 'SYNC');
      return event.state === 'loggedIn' ? fresh(event.received) : {};
    }),
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
    recordFailure: assign(({ context }, { error }: FailureParams) => ({
      attempt: context.attempt + 1,
      lastError: error,
    })),
    // Keeps the answer's refresh token (the next attempt presents it), not its dead access token's use.
    recordDeadAnswer: assign(({ context }, { answer }: AnswerParams) => ({
      tokens: answer.tokens,
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
    enqueue: assign(({ context, event }) => {
      assertEvent(event, REQUESTS);
      return { waiters: [...context.waiters, { id: event.id, since: event.at }] };
    }),
    cancelWaiter: assign(({ context, event }) => {
      assertEvent(event, 'WAITER.CANCEL');
      return { waiters: context.waiters.filter((waiter) => waiter.id !== event.id) };
    }),
    rejectRequest: emit(({ context, event }, params: { reason: RejectReason }) => {
      assertEvent(event, REQUESTS);
      return { type: 'waiters.rejected' as const, ids: [event.id], reason: params.reason, error: context.lastError };
    }),
    answerNow: emit(({ context, event }) => {
      assertEvent(event, ['TOKEN.REQUEST', 'UNAUTHORIZED']);
      // Runs behind isTokenUsable or isStale, both of which need tokens.
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- see above
      return { type: 'waiters.resolved' as const, ids: [event.id], tokens: context.tokens! };
    }),
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
    // The emits below run right after tokens were stored, so context.tokens holds them.
    /* eslint-disable @typescript-eslint/no-non-null-assertion -- see above */
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
    /* eslint-enable @typescript-eslint/no-non-null-assertion */
    emitSyncedLogout: emit({ type: 'logout' as const, fromOtherTab: true as const }),
    recordSyncedExpiry: assign({ lastError: () => new SessionExpiredError('The session expired in another tab') }),
  },
});
