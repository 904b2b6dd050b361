import type { ActorLogic, AnyStateMachine, AnyStateNode, AnyTransitionDefinition, SnapshotFrom } from 'xstate';
import { getAdjacencyMap, getStateNodes, type StatePath } from 'xstate/graph';
import { authSessionMachine } from '../../machines/authSession.js';
import { eventTypeOf } from '../../scripts/visualize/machineGraph.js';
import type { AuthEvent, SessionConfig, WakeReason } from '../../machines/authSessionTypes.js';
import { RefreshCooldownError } from '../../domain/errors/RefreshCooldownError.js';
import { RefreshRejectedError } from '../../domain/errors/RefreshRejectedError.js';
import type { ReceivedTokens } from '../../domain/tokens.js';
import { edgeCoveringWalks, type ModelEdge } from './modelWalks.js';

/**
 * The abstract model the generated walks come from: the real machine's pure transition function,
 * searched with events enumerated here and a small serialized state. Everything that must be
 * covered is read from the machine definition, so a transition added later shows up as uncovered
 * until the model (and the harness) can reach it.
 */

export const T0 = Date.UTC(2026, 0, 1);

/** Small numbers so every guard flips within a few steps: one retry, a queue of two. */
export const modelConfig: SessionConfig = {
  proactiveRefresh: true,
  refreshMargin: 60_000,
  heartbeatInterval: 120_000,
  refreshTimeout: 10_000,
  retries: 1,
  minDelay: 1_000,
  maxDelay: 4_000,
  maxQueue: 2,
  failureCooldown: 30_000,
};

const hour = 3_600_000;
const received = (accessToken: string, expiresAt: number | null): ReceivedTokens => ({
  tokens: { accessToken, refreshToken: `refresh-of-${accessToken}`, expiresAt, tokenType: null, scope: null },
  lifetime: expiresAt === null ? null : Math.max(0, expiresAt - T0),
});

/** Logins the model tries: a fresh token, one without known expiry, and one already dead on arrival. */
export const loginVariants = {
  fresh: received('access-fresh', T0 + hour),
  noExpiry: received('access-no-expiry', null),
  dead: received('access-dead', T0 - 1),
};
export const refreshOutput = received('access-refreshed', T0 + hour);
/** A refresh answer that arrives already expired (held in transit): never handed out. */
export const deadRefreshOutput = received('access-refreshed-dead', T0 - 1);
/** What another tab logged in or refreshed to (crossTab): a token this tab never held. */
export const syncedTokens = received('access-synced', T0 + hour);
/**
 * When a WAKE says the tab woke: at the start (no token with an expiry is due yet), within the
 * refresh margin of the hour-long tokens (due, still usable), and after every token's expiry. So
 * `isRefreshDue` goes both ways for each token, and the margin counts.
 */
export const wakeTimes = {
  early: T0,
  withinMargin: T0 + hour - modelConfig.refreshMargin / 2,
  late: T0 + 3 * hour,
} as const;
const wakeReasons: WakeReason[] = ['visible', 'online', 'resume'];
export const terminalError = new RefreshRejectedError('refresh token refused', { status: 401 });
export const transientError = Object.assign(new Error('network down'), { name: 'TransientError' });
/** A coordinator (cross-tab) ran the whole round for this session and gave up. */
export const roundOverError = new RefreshCooldownError(30_000);

export type ModelSnapshot = SnapshotFrom<typeof authSessionMachine>;
export type ModelEvent = AuthEvent | { type: string; output?: unknown; error?: unknown };

/** Every state node id except the root. */
export function stateNodeIds(machine: AnyStateMachine = authSessionMachine): string[] {
  return getStateNodes(machine.root).map((node) => node.id);
}

/** "node event #index": one entry per candidate transition, guarded ones separately. */
export function transitionKey(transition: AnyTransitionDefinition): string {
  const eventType = eventTypeOf(transition);
  const candidates = transition.source.transitions.get(eventType) ?? [];
  return `${transition.source.id} ${eventType} #${candidates.indexOf(transition)}`;
}

/** Every transition of the machine, incl. `after` and invoke onDone/onError, with its key. */
export function transitionKeys(machine: AnyStateMachine = authSessionMachine): string[] {
  const nodes: AnyStateNode[] = [machine.root, ...getStateNodes(machine.root)];
  return nodes.flatMap((node) =>
    [...node.transitions.values()].flatMap((candidates) => candidates.map((transition) => transitionKey(transition))),
  );
}

/** Which actor source each invoke id runs ("refresh" / "heartbeat"), from the definition. */
export function invokeSources(machine: AnyStateMachine = authSessionMachine): Map<string, string> {
  const sources = new Map<string, string>();
  for (const node of getStateNodes(machine.root)) {
    for (const invoke of node.invoke) if (typeof invoke.src === 'string') sources.set(invoke.id, invoke.src);
  }
  return sources;
}

/** The active state node ids of a snapshot value, outermost first. */
export function activeIds(value: unknown, prefix = 'authSession'): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [`${prefix}.${key}`, ...activeIds(child, `${prefix}.${key}`)]);
}

const sources = invokeSources();

/** Events for the machine's own sources (timers, invoked actors), by event type. */
function internalEvents(eventType: string, snapshot: ModelSnapshot): ModelEvent[] {
  // Only a timer that does something: whether a timer is still pending is not in the snapshot (the
  // failureCooldown timer fires once per stay in idle; after that the real actor has none to fire).
  if (eventType.startsWith('xstate.after.'))
    return snapshot.can({ type: eventType } as AuthEvent) ? [{ type: eventType }] : [];
  const done = eventType.match(/^xstate\.done\.actor\.(.+)$/);
  const error = eventType.match(/^xstate\.error\.actor\.(.+)$/);
  const src = sources.get((done ?? error)?.[1] ?? '');
  if (done && src === 'refresh')
    return [refreshOutput, deadRefreshOutput].map((output) => ({ type: eventType, output }));
  if (done && src === 'heartbeat') return [true, false].map((output) => ({ type: eventType, output }));
  if (error && src === 'refresh')
    return [terminalError, transientError, roundOverError].map((e) => ({ type: eventType, error: e }));
  if (error && src === 'heartbeat') return [{ type: eventType, error: transientError }];
  throw new Error(`the model has no events for ${eventType}: teach test/model/machineModel.ts about it`);
}

/** Events the outside world sends, by event type. */
function externalEvents(eventType: string, snapshot: ModelSnapshot): ModelEvent[] {
  const { tokens, waiters } = snapshot.context;
  // The smallest id not waiting: ids of settled waiters are free again, which keeps the model finite.
  let id = 1;
  while (waiters.some((waiter) => waiter.id === id)) id++;
  switch (eventType) {
    case 'LOGIN':
      return Object.values(loginVariants).map((variant) => ({ type: 'LOGIN', received: variant }));
    case 'LOGOUT':
      return [{ type: 'LOGOUT' }];
    case 'TOKEN.REQUEST':
    case 'REFRESH':
      return [{ type: eventType, id, at: T0 }];
    case 'UNAUTHORIZED':
      // A fresh 401 names the token held now; a stale one names a token replaced since.
      return [
        { type: 'UNAUTHORIZED', id, at: T0, accessToken: tokens?.accessToken ?? 'access-never-held' },
        { type: 'UNAUTHORIZED', id, at: T0, accessToken: 'access-replaced-long-ago' },
      ];
    case 'WAITER.CANCEL':
      return waiters.length > 0 ? [{ type: 'WAITER.CANCEL', id: waiters[0]!.id }] : [];
    case 'SYNC':
      // Another tab's login/refresh, logout and expiry.
      return [
        { type: 'SYNC', state: 'loggedIn', received: syncedTokens },
        { type: 'SYNC', state: 'loggedOut' },
        { type: 'SYNC', state: 'expired' },
      ];
    case 'WAKE':
      // Before the token is due nothing happens whatever the reason; once it is due, the reason
      // decides whether the cooldown holds the refresh back (only 'online' gets past it).
      return [
        { type: 'WAKE', reason: 'visible', at: wakeTimes.early },
        ...wakeReasons.map((reason) => ({ type: 'WAKE' as const, reason, at: wakeTimes.withinMargin })),
        { type: 'WAKE', reason: 'visible', at: wakeTimes.late },
      ];
    default:
      throw new Error(`the model has no events for ${eventType}: teach test/model/machineModel.ts about it`);
  }
}

/** Every event type some state node listens to. */
const allEventTypes = [authSessionMachine.root, ...getStateNodes(authSessionMachine.root)].flatMap((node) => [
  ...node.transitions.keys(),
]);
const outsideEventTypes = [...new Set(allEventTypes.filter((type) => !type.startsWith('xstate.')))];

/**
 * The events that can happen in a snapshot: the outside world's at any time (a WAKE or LOGOUT does
 * not wait for a state that listens to it, and one that does nothing must indeed do nothing), the
 * machine's own timers and actors only where its active state nodes run them.
 */
export function eventsFor(snapshot: ModelSnapshot): ModelEvent[] {
  const nodes = ['authSession', ...activeIds(snapshot.value)].map((id) => authSessionMachine.getStateNodeById(id));
  const internalTypes = new Set(
    nodes.flatMap((node) => [...node.transitions.keys()].filter((type) => type.startsWith('xstate.'))),
  );
  return [
    ...outsideEventTypes.flatMap((type) => externalEvents(type, snapshot)),
    ...[...internalTypes].flatMap((type) => internalEvents(type, snapshot)),
  ];
}

/** What tells two model states apart: the state, which token, how many wait, the retry round, the cooldown. */
export function serializeState(snapshot: ModelSnapshot): string {
  const { tokens, waiters, attempt, coolingDown, probeDue, probing } = snapshot.context;
  // Waiter ids, not just their count: the next request's id is derived from them.
  return JSON.stringify([
    snapshot.value,
    tokens?.accessToken ?? null,
    waiters.map((w) => w.id),
    attempt,
    coolingDown,
    probeDue,
    probing,
  ]);
}

export type ModelPath = StatePath<ModelSnapshot, ModelEvent>;
type Edge = ModelEdge<ModelSnapshot, ModelEvent>;

/** An edge's shape: the source state as the guards see it, the event variant, where to. */
function edgeShape({ source, event, state }: Edge): string {
  // `at` stays: WAKE's decides whether the token is due (every other event is sent at T0).
  const variant = JSON.stringify(event, (key, value: unknown) =>
    key === 'id' ? undefined : value instanceof Error ? value.name : value,
  );
  const { tokens, waiters, attempt, coolingDown, probeDue, probing } = source.context;
  const kind = !tokens ? 'none' : tokens.expiresAt === null ? 'no expiry' : tokens.expiresAt > T0 ? 'usable' : 'dead';
  // What the guards read: token kind, a full queue, retries left, the cooldown; plus the event variant and the target.
  const full = waiters.length >= modelConfig.maxQueue;
  const canRetry = attempt < modelConfig.retries && !probing;
  return JSON.stringify([source.value, kind, full, canRetry, coolingDown, probeDue, variant, state.value]);
}

/**
 * Walks that take every edge of the model (see `edgeCoveringWalks`). `MODEL_PATHS=distinct` takes
 * one edge per edge shape (same states, same event variant): still every transition, for a
 * fraction of the time. Stryker uses it; `npm test` takes every edge.
 */
export function modelWalks(mode = process.env.MODEL_PATHS): {
  walks: ModelPath[];
  edgeCount: number;
  stateCount: number;
} {
  // The model sends events the machine's type does not list (timer and actor events), hence the cast.
  const logic = authSessionMachine as unknown as ActorLogic<ModelSnapshot, ModelEvent, { config: SessionConfig }>;
  const adjacency = getAdjacencyMap(logic, {
    input: { config: modelConfig },
    events: eventsFor,
    serializeState,
    limit: 20_000,
  });
  const seen = new Set<string>();
  const mustTake = (edge: Edge) => {
    if (mode !== 'distinct') return true;
    const shape = edgeShape(edge);
    if (seen.has(shape)) return false;
    seen.add(shape);
    return true;
  };
  return { ...edgeCoveringWalks(adjacency, serializeState, mustTake), stateCount: Object.keys(adjacency).length };
}
