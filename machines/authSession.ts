import { authSessionSetup } from './authSessionSetup.js';
import type { AuthContext, SessionConfig } from './authSessionTypes.js';

/** A session before its first LOGIN: no tokens, nobody waiting. */
export function initialContext(config: SessionConfig): AuthContext {
  return { config, tokens: null, lifetime: null, waiters: [], attempt: 0, lastError: null, coolingDown: false };
}

/** When a refresh round runs out of retries: the waiters get its last error, and the cooldown starts. */
const giveUpRound = [
  { type: 'rejectWaiters', params: { reason: 'refreshFailed' } },
  'startCooldown',
  { type: 'emitRefreshFailed', params: { willRetry: false } },
] as const;

/** New tokens from the app (its login, or tokens it got elsewhere) are taken in every state. */
const login = { target: '#authSession.idle', reenter: true, actions: ['storeLogin', 'emitLogin'] } as const;

const logout = { target: '#authSession.loggedOut', actions: 'emitLogout' } as const;

/** Another session sharing these tokens (another tab) logged in or refreshed; `emit` says which it is to this one. */
const syncedLogin = (emit: 'emitSyncedLogin' | 'emitSyncedRefresh') =>
  ({ guard: 'isSyncedLogin', target: '#authSession.idle', reenter: true, actions: ['storeSynced', emit] }) as const;
const syncedLogout = { guard: 'isSyncedLogout', target: '#authSession.loggedOut', actions: 'emitSyncedLogout' } as const;
const syncedExpiry = { guard: 'isSyncedExpiry', target: '#authSession.expired', actions: 'recordSyncedExpiry' } as const;

/** A state without a token to give: every request for one is refused with `reason`. */
const refuseRequests = (reason: 'loggedOut' | 'expired') => {
  const refuse = { actions: { type: 'rejectRequest', params: { reason } } } as const;
  return { 'TOKEN.REQUEST': refuse, UNAUTHORIZED: refuse, REFRESH: refuse } as const;
};

/** While a refresh runs every request waits for it, up to `maxQueue`. */
const queueRequest = [
  { guard: 'isQueueFull', actions: { type: 'rejectRequest', params: { reason: 'queueFull' } } },
  { actions: 'enqueue' },
] as const;

/**
 * The auth session: one refresh at a time, however many callers need a token.
 *
 * This file is the statechart: when things happen. What they do, by name, is in
 * `authSessionSetup.ts`. The network lives outside: the session provides the `refresh` and
 * `heartbeat` actors, its clock (through `delays`) and its `isTerminalError` guard, so the machine
 * imports nothing from the network and opens in the Stately visualizer
 * (`visualizations/authSession.config.json` is the same machine as plain JSON).
 */
export const authSessionMachine = authSessionSetup.createMachine({
  id: 'authSession',
  context: ({ input }) => initialContext(input.config),
  // A session that starts with tokens is sent LOGIN right after it starts.
  initial: 'loggedOut',
  on: {
    'WAITER.CANCEL': { actions: { type: 'cancelWaiter', params: ({ event }) => ({ id: event.id }) } },
  },
  states: {
    loggedOut: {
      entry: [{ type: 'rejectWaiters', params: { reason: 'loggedOut' } }, 'clearTokens', 'forgetReason'],
      on: {
        LOGIN: login,
        ...refuseRequests('loggedOut'),
        SYNC: [syncedLogin('emitSyncedLogin')],
      },
    },
    idle: {
      entry: 'releaseWaiters',
      // New tokens that were dead on arrival (a login or another tab's) cannot serve the waiters.
      always: { guard: 'hasWaitersAndDeadToken', target: 'refreshing' },
      initial: 'waiting',
      after: {
        refreshDue: { guard: 'hasKnownExpiry', target: 'refreshing' },
        failureCooldown: { guard: 'isCoolingDown', actions: 'endCooldown' },
      },
      on: {
        LOGIN: login,
        LOGOUT: logout,
        'TOKEN.REQUEST': [
          {
            guard: { type: 'isTokenUsable', params: ({ event }) => ({ at: event.at }) },
            actions: 'answerNow',
          },
          {
            guard: 'isCoolingDown',
            actions: { type: 'rejectRequest', params: { reason: 'coolingDown' } },
          },
          { target: 'refreshing', actions: 'enqueue' },
        ],
        UNAUTHORIZED: [
          {
            guard: { type: 'isStale', params: ({ event }) => ({ accessToken: event.accessToken, at: event.at }) },
            actions: 'answerNow',
          },
          {
            guard: 'isCoolingDown',
            actions: { type: 'rejectRequest', params: { reason: 'coolingDown' } },
          },
          { target: 'refreshing', actions: 'enqueue' },
        ],
        // The user asked: the cooldown does not apply.
        REFRESH: { target: 'refreshing', actions: 'enqueue' },
        SYNC: [syncedLogin('emitSyncedRefresh'), syncedLogout, syncedExpiry],
        WAKE: [
          { guard: { type: 'isHeldByCooldown', params: ({ event }) => ({ reason: event.reason }) } },
          { guard: { type: 'isRefreshDue', params: ({ event }) => ({ at: event.at }) }, target: 'refreshing' },
        ],
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
        LOGIN: login,
        LOGOUT: logout,
        'TOKEN.REQUEST': queueRequest,
        UNAUTHORIZED: queueRequest,
        REFRESH: queueRequest,
        // Another tab finished first: its tokens release this tab's waiters too.
        SYNC: [syncedLogin('emitSyncedRefresh'), syncedLogout, syncedExpiry],
      },
      states: {
        requesting: {
          invoke: {
            src: 'refresh',
            input: ({ context }) => ({ tokens: context.tokens }),
            onDone: [
              {
                guard: { type: 'isAnswerAlive', params: ({ event }) => ({ received: event.output }) },
                target: '#authSession.idle',
                actions: [{ type: 'storeTokens', params: ({ event }) => ({ received: event.output }) }, 'emitRefreshed'],
              },
              // Dead on arrival (it came late): never handed out. Its refresh token is kept, as the
              // server may have rotated it, and the next attempt presents that one.
              {
                guard: 'canRetry',
                target: 'backingOff',
                actions: [
                  { type: 'recordDeadAnswer', params: ({ event }) => ({ received: event.output }) },
                  { type: 'emitRefreshFailed', params: { willRetry: true } },
                ],
              },
              {
                target: '#authSession.idle',
                actions: [{ type: 'recordDeadAnswer', params: ({ event }) => ({ received: event.output }) }, ...giveUpRound],
              },
            ],
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
                  ...giveUpRound,
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
                  'recordTimeout',
                  { type: 'emitRefreshFailed', params: { willRetry: true } },
                ],
              },
              {
                target: '#authSession.idle',
                actions: [
                  'recordTimeout',
                  ...giveUpRound,
                ],
              },
            ],
          },
        },
        backingOff: {
          after: { retryDelay: { target: 'requesting' } },
          // The backoff timer may have slept with the tab; whoever waits should not wait longer.
          on: { WAKE: { target: 'requesting' } },
        },
      },
    },
    expired: {
      // lastError stays: the event, the waiters and later requests are told why the session expired.
      entry: [{ type: 'rejectWaiters', params: { reason: 'expired' } }, 'emitExpired', 'clearTokens'],
      on: {
        LOGIN: login,
        LOGOUT: logout,
        ...refuseRequests('expired'),
        SYNC: [syncedLogin('emitSyncedLogin'), syncedLogout],
      },
    },
  },
});
