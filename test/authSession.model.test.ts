import { afterAll, describe, expect, it } from 'vitest';
import type { AuthEmitted, AuthEvent, RejectReason } from 'tokenflight/machine';
import { liveCalls } from './support/heldCall.js';
import { createMachineHarness, type MachineHarness } from './model/machineHarness.js';
import {
  activeIds,
  modelConfig,
  modelWalks,
  stateNodeIds,
  T0,
  transitionKeys,
  type ModelEvent,
  type ModelPath,
  type ModelSnapshot,
} from './model/machineModel.js';
import { checkLogout, checkSync, checkWake } from './model/tabEventChecks.js';

/**
 * Model-based test of the real machine: walks that take every edge of the abstract model (the
 * machine's pure transition function searched by xstate/graph) are replayed on a real actor whose
 * timers and actors are settled by hand, checking state, tokens, waiters and actors in flight at
 * each step, and what SYNC and WAKE mean.
 */

// Generated inside the first test, not at import: a machine that throws while being searched must
// fail a test (a file that fails to load counts as no tests, e.g. for Stryker).
let walks: ModelPath[] = [];
let stateCount = 0;
let edgeCount = 0;
const requiredStates = stateNodeIds();
const requiredTransitions = transitionKeys();
const visitedStates = new Set<string>();
const takenTransitions = new Set<string>();
let stepCount = 0;

type Settled = { id: number; outcome: 'resolved' | RejectReason };

function settlements(emitted: AuthEmitted[]): Settled[] {
  return emitted.flatMap((event): Settled[] =>
    event.type === 'waiters.resolved'
      ? event.ids.map((id) => ({ id, outcome: 'resolved' }))
      : event.type === 'waiters.rejected'
        ? event.ids.map((id) => ({ id, outcome: event.reason }))
        : [],
  );
}

function requestId(event: ModelEvent): number | null {
  return ['TOKEN.REQUEST', 'UNAUTHORIZED', 'REFRESH'].includes(event.type) && 'id' in event ? event.id : null;
}

/** The checks made after every step; `outstanding` are the request ids not yet settled. */
function checkStep(
  harness: MachineHarness,
  walk: ModelPath,
  index: number,
  outstanding: Set<number>,
  before: { snapshot: ModelSnapshot; emitted: number; refreshCalls: number },
) {
  const step = walk.steps[index]!;
  // The steps that led here (a walk is long; its last dozen steps explain a failure).
  const trail = walk.steps.slice(Math.max(0, index - 12), index + 1).map((s) => s.event.type);
  const where = `step ${index} (${step.event.type}) of a walk: ${index > 12 ? '… → ' : ''}${trail.join(' → ')}`;
  const emittedFrom = before.emitted;
  const real = harness.actor.getSnapshot();
  const model = step.state;

  // State and tokens: the real actor (real timers, real invoked actors) agrees with the model.
  expect(real.value, where).toEqual(model.value);
  expect(real.context.tokens, where).toEqual(model.context.tokens);
  const status = activeIds(real.value)[0]!.split('.')[1];
  if (status === 'loggedOut' || status === 'expired') expect(real.context.tokens, where).toBeNull();
  if (step.event.type === 'LOGIN' && 'received' in step.event) {
    expect(real.context.tokens, where).toEqual((step.event as { received: { tokens: unknown } }).received.tokens);
  }

  // Waiters: the queue agrees with the model, and every request is either queued or settled once.
  expect(
    real.context.waiters.map((w) => w.id),
    where,
  ).toEqual(model.context.waiters.map((w) => w.id));
  const newId = requestId(step.event);
  if (newId !== null) outstanding.add(newId);
  // A cancel comes from a caller that stopped waiting (its own timeout settled it).
  if (step.event.type === 'WAITER.CANCEL' && 'id' in step.event) outstanding.delete(step.event.id);
  const settledNow = settlements(harness.emitted.slice(emittedFrom));
  for (const { id, outcome } of settledNow) {
    expect(outstanding.has(id), `${where}: waiter ${id} settled twice or never asked`).toBe(true);
    outstanding.delete(id);
    // How a waiter ends says where the session went.
    const allowed =
      outcome === 'resolved'
        ? status === 'idle' || status === 'refreshing'
        : outcome === 'queueFull'
          ? id === newId && status === 'refreshing'
          : outcome === 'coolingDown'
            ? id === newId && status === 'idle' && real.context.coolingDown
            : outcome === 'refreshFailed'
              ? status === 'idle'
              : outcome === status;
    expect(allowed, `${where}: waiter ${id} ${outcome} while ${status}`).toBe(true);
  }
  for (const event of harness.emitted.slice(emittedFrom)) {
    if (event.type !== 'waiters.resolved') continue;
    expect(event.tokens, where).toEqual(real.context.tokens);
    // Tokens that were dead when they arrived (a late refresh answer, an expired login) are never handed out.
    expect(real.context.lifetime, `${where}: handed out tokens dead on arrival`).not.toBe(0);
    // A request answered at once gets a token that is usable when it asked.
    if (newId !== null && event.ids.includes(newId) && 'at' in step.event) {
      const { expiresAt } = event.tokens;
      expect(expiresAt === null || expiresAt > step.event.at, `${where}: answered with an expired token`).toBe(true);
    }
  }
  expect([...outstanding].sort(), `${where}: requests neither queued nor settled`).toEqual(
    real.context.waiters.map((w) => w.id).sort(),
  );
  if (status !== 'refreshing') expect(real.context.waiters, where).toEqual([]);

  // Actors in flight: one refresh exactly while requesting, one heartbeat exactly while checking.
  const live = liveCalls;
  const ids = activeIds(real.value);
  expect(live(harness.refreshCalls).length, where).toBe(ids.includes('authSession.refreshing.requesting') ? 1 : 0);
  expect(live(harness.heartbeatCalls).length, where).toBe(ids.includes('authSession.idle.checking') ? 1 : 0);
  for (const call of live(harness.refreshCalls)) expect(call.input.tokens, where).toEqual(real.context.tokens);

  for (const id of ids) visitedStates.add(id);

  const outcome = {
    before: before.snapshot,
    after: real,
    emitted: harness.emitted.slice(emittedFrom),
    refreshesStarted: harness.refreshCalls.length - before.refreshCalls,
    where,
  };
  if (step.event.type === 'SYNC') checkSync(step.event as Extract<AuthEvent, { type: 'SYNC' }>, outcome);
  if (step.event.type === 'WAKE') checkWake(step.event as Extract<AuthEvent, { type: 'WAKE' }>, outcome);
  if (step.event.type === 'LOGOUT') checkLogout(outcome);
}

describe('model-based: every transition of authSessionMachine, replayed on the real actor', () => {
  it('generates walks that take every edge of the model', () => {
    const generated = modelWalks();
    ({ stateCount, edgeCount } = generated);
    walks = generated.walks;
    expect(stateCount).toBeGreaterThan(10);
    expect(edgeCount).toBeGreaterThan(38);
  });

  it('replays every walk on the real actor', async () => {
    expect(walks.length).toBeGreaterThan(0);
    for (const walk of walks) {
      const harness = createMachineHarness(modelConfig, T0);
      const outstanding = new Set<number>();
      harness.actor.start();
      for (let index = 0; index < walk.steps.length; index++) {
        const step = walk.steps[index]!;
        const before = {
          snapshot: harness.actor.getSnapshot(),
          emitted: harness.emitted.length,
          refreshCalls: harness.refreshCalls.length,
        };
        if (step.event.type !== 'xstate.init') await harness.apply(step.event);
        checkStep(harness, walk, index, outstanding, before);
        stepCount++;
      }
      for (const key of harness.taken) takenTransitions.add(key);
      harness.actor.stop();
    }
  });

  it('covers every state node and every transition in the machine definition', () => {
    expect(
      requiredStates.filter((id) => !visitedStates.has(id)),
      'state nodes never visited',
    ).toEqual([]);
    expect(
      requiredTransitions.filter((key) => !takenTransitions.has(key)),
      'transitions never taken',
    ).toEqual([]);
  });

  afterAll(() => {
    const coveredTransitions = requiredTransitions.filter((key) => takenTransitions.has(key)).length;
    const coveredStates = requiredStates.filter((id) => visitedStates.has(id)).length;
    console.log(
      `[model] authSessionMachine: ${coveredStates}/${requiredStates.length} state nodes, ` +
        `${coveredTransitions}/${requiredTransitions.length} transitions covered by ${walks.length} walks over ${edgeCount} model edges ` +
        `(${stepCount} steps, ${stateCount} model states)`,
    );
  });
});
