import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import { isTerminalError } from '../src/isTerminalError.js';
import { RefreshTimeoutError } from '../src/errors/RefreshTimeoutError.js';
import { isUsable, type ReceivedTokens } from '../src/tokens.js';
import { createDelays } from './delays.js';
import type {
  AuthContext,
  AuthEmitted,
  AuthEvent,
  AuthInput,
  HeartbeatActorInput,
  RefreshActorInput,
  RejectReason,
} from './authSessionTypes.js';

/**
 * The auth session: one refresh at a time, however many callers need a token.
 *
 * The network lives outside: the session provides the `refresh` and `heartbeat` actors, its
 * clock (through `delays`) and its `isTerminalError` guard, so this file opens in the Stately
 * visualizer as is.
 */
export const authSessionMachine = setup({
  types: {
    context: {} as AuthContext,
    events: {} as AuthEvent,
    input: {} as AuthInput,
    emitted: {} as AuthEmitted,
  },
  actors: {
    refresh: fromPromise<ReceivedTokens, RefreshActorInput>(async () => {
      throw new Error('tokenflight: the session provides the refresh actor');
    }),
    heartbeat: fromPromise<boolean, HeartbeatActorInput>(async () => true),
  },
  delays: createDelays(() => Date.now()),
  guards: {
    isTerminalError: (_, params: { error: unknown }) => isTerminalError(params.error),
    isTokenUsable: ({ context }, params: { at: number }) => isUsable(context.tokens, params.at),
    // The 401 was for a token replaced since, and the current one is still usable: no refresh needed.
    isStale: ({ context }, params: { accessToken: string; at: number }) =>
      context.tokens !== null && params.accessToken !== context.tokens.accessToken && isUsable(context.tokens, params.at),
    isQueueFull: ({ context }) => context.waiters.length >= context.config.maxQueue,
    canRetry: ({ context }) => context.attempt < context.config.retries,
    hasKnownExpiry: ({ context }) => context.tokens?.expiresAt != null,
    hasHeartbeat: ({ context }) => context.config.heartbeatInterval !== null,
    isHeartbeatValid: (_, params: { valid: boolean }) => params.valid,
  },
  actions: {
    storeTokens: assign((_, params: { received: ReceivedTokens }) => ({
      tokens: params.received.tokens,
      lifetime: params.received.lifetime,
      attempt: 0,
      lastError: null,
      coolingDown: false,
    })),
    clearTokens: assign({ tokens: null, lifetime: null, attempt: 0, lastError: null, coolingDown: false }),
    startRound: assign({ attempt: 0, lastError: null }),
    recordFailure: assign(({ context }, params: { error: unknown }) => ({
      attempt: context.attempt + 1,
      lastError: params.error,
    })),
    startCooldown: assign({ coolingDown: true }),
    enqueue: assign(({ context }, params: { id: number; at: number }) => ({
      waiters: [...context.waiters, { id: params.id, since: params.at }],
    })),
    cancelWaiter: assign(({ context }, params: { id: number }) => ({
      waiters: context.waiters.filter((waiter) => waiter.id !== params.id),
    })),
    rejectRequest: emit(({ context }, params: { id: number; reason: RejectReason }) => ({
      type: 'waiters.rejected' as const,
      ids: [params.id],
      reason: params.reason,
      error: context.lastError,
    })),
    answerNow: emit(({ context }, params: { id: number }) => ({
      type: 'waiters.resolved' as const,
      ids: [params.id],
      tokens: context.tokens!,
    })),
    releaseWaiters: enqueueActions(({ context, enqueue }) => {
      if (context.waiters.length === 0 || context.tokens === null) return;
      enqueue.emit({ type: 'waiters.resolved', ids: context.waiters.map((w) => w.id), tokens: context.tokens });
      enqueue.assign({ waiters: [] });
    }),
    rejectWaiters: enqueueActions(({ context, enqueue }, params: { reason: RejectReason }) => {
      if (context.waiters.length === 0) return;
      const ids = context.waiters.map((w) => w.id);
      enqueue.emit({ type: 'waiters.rejected', ids, reason: params.reason, error: context.lastError });
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
  },
}).createMachine({
  id: 'authSession',
  context: ({ input }) => ({
    config: input.config,
    tokens: null,
    lifetime: null,
    waiters: [],
    attempt: 0,
    lastError: null,
    coolingDown: false,
  }),
  // A session that starts with tokens is sent LOGIN right after it starts.
  initial: 'loggedOut',
  on: {
    'WAITER.CANCEL': { actions: { type: 'cancelWaiter', params: ({ event }) => ({ id: event.id }) } },
  },
  states: {
    loggedOut: {
      entry: [{ type: 'rejectWaiters', params: { reason: 'loggedOut' } }, 'clearTokens'],
      on: {
        LOGIN: {
          target: 'idle',
          actions: [{ type: 'storeTokens', params: ({ event }) => ({ received: event.received }) }, 'emitLogin'],
        },
        'TOKEN.REQUEST': { actions: { type: 'rejectRequest', params: ({ event }) => ({ id: event.id, reason: 'loggedOut' }) } },
        UNAUTHORIZED: { actions: { type: 'rejectRequest', params: ({ event }) => ({ id: event.id, reason: 'loggedOut' }) } },
        REFRESH: { actions: { type: 'rejectRequest', params: ({ event }) => ({ id: event.id, reason: 'loggedOut' }) } },
      },
    },
    idle: {
      entry: 'releaseWaiters',
      initial: 'waiting',
      after: {
        refreshDue: { guard: 'hasKnownExpiry', target: 'refreshing' },
      },
      on: {
        LOGIN: {
          target: 'idle',
          reenter: true,
          actions: [{ type: 'storeTokens', params: ({ event }) => ({ received: event.received }) }, 'emitLogin'],
        },
        LOGOUT: { target: 'loggedOut', actions: 'emitLogout' },
        'TOKEN.REQUEST': [
          {
            guard: { type: 'isTokenUsable', params: ({ event }) => ({ at: event.at }) },
            actions: { type: 'answerNow', params: ({ event }) => ({ id: event.id }) },
          },
          { target: 'refreshing', actions: { type: 'enqueue', params: ({ event }) => event } },
        ],
        UNAUTHORIZED: [
          {
            guard: { type: 'isStale', params: ({ event }) => ({ accessToken: event.accessToken, at: event.at }) },
            actions: { type: 'answerNow', params: ({ event }) => ({ id: event.id }) },
          },
          { target: 'refreshing', actions: { type: 'enqueue', params: ({ event }) => event } },
        ],
        REFRESH: { target: 'refreshing', actions: { type: 'enqueue', params: ({ event }) => event } },
      },
      states: {
        waiting: {
          after: { heartbeatInterval: { guard: 'hasHeartbeat', target: 'checking' } },
        },
        checking: {
          invoke: {
            src: 'heartbeat',
            input: ({ context }) => ({ tokens: context.tokens! }),
            onDone: [
              {
                guard: { type: 'isHeartbeatValid', params: ({ event }) => ({ valid: event.output }) },
                target: 'waiting',
              },
              { target: '#authSession.refreshing' },
            ],
            // A heartbeat that cannot reach the server says nothing about the session.
            onError: { target: 'waiting' },
          },
          after: { refreshTimeout: { target: 'waiting' } },
        },
      },
    },
    refreshing: {
      entry: 'startRound',
      initial: 'requesting',
      on: {
        LOGIN: {
          target: 'idle',
          actions: [{ type: 'storeTokens', params: ({ event }) => ({ received: event.received }) }, 'emitLogin'],
        },
        LOGOUT: { target: 'loggedOut', actions: 'emitLogout' },
        'TOKEN.REQUEST': [
          { guard: 'isQueueFull', actions: { type: 'rejectRequest', params: ({ event }) => ({ id: event.id, reason: 'queueFull' }) } },
          { actions: { type: 'enqueue', params: ({ event }) => event } },
        ],
        UNAUTHORIZED: [
          { guard: 'isQueueFull', actions: { type: 'rejectRequest', params: ({ event }) => ({ id: event.id, reason: 'queueFull' }) } },
          { actions: { type: 'enqueue', params: ({ event }) => event } },
        ],
        REFRESH: [
          { guard: 'isQueueFull', actions: { type: 'rejectRequest', params: ({ event }) => ({ id: event.id, reason: 'queueFull' }) } },
          { actions: { type: 'enqueue', params: ({ event }) => event } },
        ],
      },
      states: {
        requesting: {
          invoke: {
            src: 'refresh',
            input: ({ context }) => ({ tokens: context.tokens }),
            onDone: {
              target: '#authSession.idle',
              actions: [{ type: 'storeTokens', params: ({ event }) => ({ received: event.output }) }, 'emitRefreshed'],
            },
            onError: [
              {
                guard: { type: 'isTerminalError', params: ({ event }) => ({ error: event.error }) },
                target: '#authSession.expired',
                actions: [
                  { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
                  { type: 'emitRefreshFailed', params: { willRetry: false } },
                ],
              },
              {
                guard: 'canRetry',
                target: 'backingOff',
                actions: [
                  { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
                  { type: 'emitRefreshFailed', params: { willRetry: true } },
                ],
              },
              {
                target: '#authSession.idle',
                actions: [
                  { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
                  { type: 'rejectWaiters', params: { reason: 'refreshFailed' } },
                  'startCooldown',
                  { type: 'emitRefreshFailed', params: { willRetry: false } },
                ],
              },
            ],
          },
          after: {
            // Leaving `requesting` stops the refresh actor, which aborts its signal.
            refreshTimeout: [
              {
                guard: 'canRetry',
                target: 'backingOff',
                actions: [
                  {
                    type: 'recordFailure',
                    params: ({ context }) => ({ error: new RefreshTimeoutError(context.config.refreshTimeout) }),
                  },
                  { type: 'emitRefreshFailed', params: { willRetry: true } },
                ],
              },
              {
                target: '#authSession.idle',
                actions: [
                  {
                    type: 'recordFailure',
                    params: ({ context }) => ({ error: new RefreshTimeoutError(context.config.refreshTimeout) }),
                  },
                  { type: 'rejectWaiters', params: { reason: 'refreshFailed' } },
                  'startCooldown',
                  { type: 'emitRefreshFailed', params: { willRetry: false } },
                ],
              },
            ],
          },
        },
        backingOff: {
          after: { retryDelay: { target: 'requesting' } },
        },
      },
    },
    expired: {
      // Emitted before clearTokens, which also clears lastError: the event carries why the session expired.
      entry: [{ type: 'rejectWaiters', params: { reason: 'expired' } }, 'emitExpired', 'clearTokens'],
      on: {
        LOGIN: {
          target: 'idle',
          actions: [{ type: 'storeTokens', params: ({ event }) => ({ received: event.received }) }, 'emitLogin'],
        },
        LOGOUT: { target: 'loggedOut', actions: 'emitLogout' },
        'TOKEN.REQUEST': { actions: { type: 'rejectRequest', params: ({ event }) => ({ id: event.id, reason: 'expired' }) } },
        UNAUTHORIZED: { actions: { type: 'rejectRequest', params: ({ event }) => ({ id: event.id, reason: 'expired' }) } },
        REFRESH: { actions: { type: 'rejectRequest', params: ({ event }) => ({ id: event.id, reason: 'expired' }) } },
      },
    },
  },
});
