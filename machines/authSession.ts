import type { DoneActorEvent, ErrorActorEvent } from 'xstate';
import type { ReceivedTokens } from '../domain/tokens.js';
import { authSessionSetup, type AnswerParams, type FailureParams } from './authSessionSetup.js';
import type { AuthContext, RejectReason, SessionConfig } from './authSessionTypes.js';

/** A session before its first LOGIN: no tokens, nobody waiting. */
export function initialContext(config: SessionConfig): AuthContext {
  return {
    config,
    tokens: null,
    lifetime: null,
    waiters: [],
    attempt: 0,
    lastError: null,
    coolingDown: false,
    probeDue: false,
    probing: false,
  };
}

const IDLE = '#authSession.idle';
const failed = (willRetry: boolean) => ({ type: 'emitRefreshFailed', params: { willRetry } }) as const;
const reject = (reason: RejectReason) => ({ type: 'rejectRequest', params: { reason } }) as const;

/** New tokens from the app (its login, or tokens it got elsewhere) are taken in every state. */
const login = { target: IDLE, reenter: true, actions: ['storeLogin', 'emitLogin'] } as const;

const logout = { target: '#authSession.loggedOut', actions: 'emitLogout' } as const;

/** Another session sharing these tokens (another tab) logged in or refreshed; `emit` says which it is to this one. */
const syncedLogin = (emit: 'emitSyncedLogin' | 'emitSyncedRefresh') =>
  ({ guard: 'isSyncedLogin', target: IDLE, reenter: true, actions: ['storeSynced', emit] }) as const;
const syncedLogout = {
  guard: 'isSyncedLogout',
  target: '#authSession.loggedOut',
  actions: 'emitSyncedLogout',
} as const;
const syncedEnd = [
  syncedLogin('emitSyncedRefresh'),
  syncedLogout,
  { guard: 'isSyncedExpiry', target: '#authSession.expired', actions: 'recordSyncedExpiry' },
] as const;

/** How an attempt failed, recorded in the context: the actor's error, a dead answer, or the timeout. */
type RecordFailure =
  | { type: 'recordFailure'; params: ({ event }: { event: ErrorActorEvent }) => FailureParams }
  | { type: 'recordDeadAnswer'; params: ({ event }: { event: DoneActorEvent<ReceivedTokens> }) => AnswerParams }
  | 'recordTimeout';

const recordError = {
  type: 'recordFailure',
  params: ({ event }: { event: ErrorActorEvent }) => ({ error: event.error }),
} as const;
const recordDeadAnswer = {
  type: 'recordDeadAnswer',
  params: ({ event }: { event: DoneActorEvent<ReceivedTokens> }) => ({ answer: event.output }),
} as const;

/** The round is over: the waiters get its last error, and the cooldown starts. */
const giveUp = <How extends RecordFailure>(record: How) =>
  ({
    target: IDLE,
    actions: [record, { type: 'rejectWaiters', params: { reason: 'refreshFailed' } }, 'startCooldown', failed(false)],
  }) as const;

/** After a failed attempt (`record` says how it failed): another one after the backoff, or the round gives up. */
const retryOrGiveUp = <How extends RecordFailure>(record: How) =>
  [{ guard: 'canRetry', target: 'backingOff', actions: [record, failed(true)] }, giveUp(record)] as const;

/** A state without a token to give: every request for one is refused with `reason`. */
const refuseRequests = (reason: 'loggedOut' | 'expired') => {
  const refuse = { actions: reject(reason) } as const;
  return { 'TOKEN.REQUEST': refuse, UNAUTHORIZED: refuse, REFRESH: refuse } as const;
};

/** A request in idle without a usable token starts a refresh and waits for it. */
const startRefresh = { target: 'refreshing', actions: 'enqueue' } as const;

/**
 * In idle, a request without a usable token refreshes, unless a failed round is cooling down: then
 * it fails at once, except that once a probe is due it probes (one attempt) and waits for it, so
 * the session is back within `PROBE_INTERVAL` of the server.
 */
const refreshUnlessCooling = [
  { guard: 'isProbeDue', target: 'refreshing', actions: ['startProbe', 'enqueue'] },
  { guard: 'isCoolingDown', actions: reject('coolingDown') },
  startRefresh,
] as const;

/** While a refresh runs every request waits for it, up to `maxQueue`. */
const queueRequest = [{ guard: 'isQueueFull', actions: reject('queueFull') }, { actions: 'enqueue' }] as const;

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
  on: { 'WAITER.CANCEL': { actions: 'cancelWaiter' } },
  states: {
    loggedOut: {
      entry: [{ type: 'rejectWaiters', params: { reason: 'loggedOut' } }, 'clearTokens', 'forgetReason'],
      on: { LOGIN: login, ...refuseRequests('loggedOut'), SYNC: syncedLogin('emitSyncedLogin') },
    },
    idle: {
      entry: 'releaseWaiters',
      // New tokens that were dead on arrival (a login or another tab's) cannot serve the waiters.
      always: { guard: 'hasWaitersAndDeadToken', target: 'refreshing' },
      initial: 'waiting',
      after: {
        refreshDue: { guard: 'refreshesAhead', target: 'refreshing' },
        failureCooldown: { guard: 'isCoolingDown', actions: 'endCooldown' },
        probeInterval: { guard: 'isProbeAhead', actions: 'allowProbe' },
      },
      on: {
        LOGIN: login,
        LOGOUT: logout,
        'TOKEN.REQUEST': [{ guard: 'isTokenUsable', actions: 'answerNow' }, ...refreshUnlessCooling],
        UNAUTHORIZED: [{ guard: 'isStale', actions: 'answerNow' }, ...refreshUnlessCooling],
        // The user asked: the cooldown does not apply.
        REFRESH: startRefresh,
        SYNC: syncedEnd,
        // Back during the cooldown: a probe if one is due (back online is news the failed round did not
        // have: a probe at once), else nothing yet.
        WAKE: [
          { guard: 'isProbeDueOnWake', target: 'refreshing', actions: 'startProbe' },
          { guard: 'isCoolingDown' },
          { guard: 'isRefreshDue', target: 'refreshing' },
        ],
      },
      states: {
        waiting: {
          after: { heartbeatInterval: { guard: 'hasHeartbeat', target: 'checking' } },
        },
        checking: {
          invoke: {
            src: 'heartbeat',
            // idle always holds tokens: every way in (LOGIN, a synced login, a refresh) brings them.
            // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- see above
            input: ({ context }) => ({ tokens: context.tokens! }),
            onDone: [
              {
                guard: { type: 'isHeartbeatValid', params: ({ event }) => ({ valid: event.output }) },
                target: 'waiting',
              },
              { target: '#authSession.refreshing' },
            ],
            // A heartbeat that cannot reach the server says nothing about the session.
            onError: 'waiting',
          },
          after: { refreshTimeout: 'waiting' },
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
        SYNC: syncedEnd,
      },
      states: {
        requesting: {
          invoke: {
            src: 'refresh',
            input: ({ context }) => ({ tokens: context.tokens, probe: context.probing }),
            onDone: [
              {
                guard: { type: 'isAnswerAlive', params: ({ event }) => ({ answer: event.output }) },
                target: IDLE,
                actions: [{ type: 'storeTokens', params: ({ event }) => ({ answer: event.output }) }, 'emitRefreshed'],
              },
              // Dead on arrival (it came late): never handed out. Its refresh token is kept, as the
              // server may have rotated it, and the next attempt presents that one.
              ...retryOrGiveUp(recordDeadAnswer),
            ],
            onError: [
              {
                guard: { type: 'isTerminalError', params: ({ event }) => ({ error: event.error }) },
                target: '#authSession.expired',
                actions: [recordError, failed(false)],
              },
              {
                guard: { type: 'isRoundOverElsewhere', params: ({ event }) => ({ error: event.error }) },
                ...giveUp(recordError),
              },
              ...retryOrGiveUp(recordError),
            ],
          },
          // Leaving `requesting` stops the refresh actor, which aborts its signal.
          after: { refreshTimeout: retryOrGiveUp('recordTimeout') },
        },
        backingOff: {
          after: { retryDelay: 'requesting' },
          // The backoff timer may have slept with the tab; whoever waits should not wait longer.
          on: { WAKE: 'requesting' },
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
