import { expect } from 'vitest';
import type { AuthEmitted, AuthEvent } from '../../machines/authSessionTypes.js';
import { effectiveMargin } from '../../machines/delays.js';
import { SessionExpiredError } from '../../domain/errors/SessionExpiredError.js';
import { activeIds, type ModelSnapshot } from './machineModel.js';

type SyncEvent = Extract<AuthEvent, { type: 'SYNC' }>;
type WakeEvent = Extract<AuthEvent, { type: 'WAKE' }>;

/** What the real actor did in one step: its snapshots around it, what it emitted, refresh calls started. */
export interface StepOutcome {
  before: ModelSnapshot;
  after: ModelSnapshot;
  emitted: AuthEmitted[];
  refreshesStarted: number;
  where: string;
}

const statusOf = (snapshot: ModelSnapshot) => activeIds(snapshot.value)[0]!.split('.')[1];

function expectUnchanged({ before, after, emitted, refreshesStarted, where }: StepOutcome): void {
  expect(after.value, `${where}: should change nothing`).toEqual(before.value);
  expect(after.context.tokens, where).toEqual(before.context.tokens);
  expect(after.context.waiters, where).toEqual(before.context.waiters);
  expect(after.context.coolingDown, where).toBe(before.context.coolingDown);
  expect(emitted, where).toEqual([]);
  expect(refreshesStarted, where).toBe(0);
}

type Resolved = Extract<AuthEmitted, { type: 'waiters.resolved' }>;
type Rejected = Extract<AuthEmitted, { type: 'waiters.rejected' }>;

/** The settling events of a step, after checking they settle every waiter queued before it and nobody else. */
function settledWaiters(outcome: StepOutcome, type: 'waiters.resolved'): Resolved[];
function settledWaiters(outcome: StepOutcome, type: 'waiters.rejected'): Rejected[];
function settledWaiters(outcome: StepOutcome, type: (Resolved | Rejected)['type']): (Resolved | Rejected)[] {
  const events = outcome.emitted.filter((event): event is Resolved | Rejected => event.type === type);
  const ids = events.flatMap((event) => event.ids).sort();
  expect(ids, `${outcome.where}: ${type}`).toEqual(outcome.before.context.waiters.map((w) => w.id).sort());
  return events;
}

/**
 * SYNC (another tab's login, refresh, logout or expiry), checked against what it means rather than
 * against the model: the model is the machine itself, so only checks like these catch a wrong machine.
 */
export function checkSync(event: SyncEvent, outcome: StepOutcome): void {
  const { before, after, emitted, where } = outcome;
  const was = statusOf(before);
  if (event.state === 'loggedIn') {
    // Its tokens are this tab's now, and whoever waited for a token gets them.
    expect(after.value, where).toEqual({ idle: 'waiting' });
    expect(after.context.tokens, where).toEqual(event.received.tokens);
    expect(after.context.coolingDown, where).toBe(false);
    for (const released of settledWaiters(outcome, 'waiters.resolved'))
      expect(released.tokens, where).toEqual(event.received.tokens);
    const lifecycle = was === 'loggedOut' || was === 'expired' ? 'login' : 'refreshed';
    expect(
      emitted.filter((e) => !e.type.startsWith('waiters.')),
      where,
    ).toEqual([{ type: lifecycle, tokens: event.received.tokens, fromOtherTab: true }]);
  } else if (event.state === 'loggedOut' && was !== 'loggedOut') {
    // Waiters fail with LoggedOutError (the session maps reason 'loggedOut' to it).
    expect(after.value, where).toBe('loggedOut');
    expect(after.context.tokens, where).toBeNull();
    for (const rejected of settledWaiters(outcome, 'waiters.rejected'))
      expect(rejected.reason, where).toBe('loggedOut');
    expect(
      emitted.filter((e) => !e.type.startsWith('waiters.')),
      where,
    ).toEqual([{ type: 'logout', fromOtherTab: true }]);
  } else if (event.state === 'expired' && (was === 'idle' || was === 'refreshing')) {
    // Waiters fail with SessionExpiredError, and the expired event says it happened elsewhere.
    expect(after.value, where).toBe('expired');
    expect(after.context.tokens, where).toBeNull();
    for (const rejected of settledWaiters(outcome, 'waiters.rejected')) {
      expect(rejected.reason, where).toBe('expired');
      expect(rejected.error, where).toBeInstanceOf(SessionExpiredError);
    }
    const expired = emitted.filter((e) => e.type === 'expired');
    expect(expired.length, where).toBe(1);
    expect(expired[0]!.error, where).toBeInstanceOf(SessionExpiredError);
  } else {
    // Already there: logged out, or expired and told it expired.
    expectUnchanged(outcome);
  }
}

/** WAKE (the tab came back): a refresh starts now exactly when one is due and the cooldown does not hold it. */
export function checkWake(event: WakeEvent, outcome: StepOutcome): void {
  const { before, after, refreshesStarted, where } = outcome;
  const ids = activeIds(before.value);
  const { context } = before;
  const due = context.tokens?.expiresAt != null && event.at >= context.tokens.expiresAt - effectiveMargin(context);
  // During the cooldown a WAKE probes (one attempt) once a probe is due, or at once when back online.
  const probes = context.coolingDown && (context.probeDue || event.reason === 'online');
  const startsRefresh =
    ids.includes('authSession.refreshing.backingOff') ||
    (ids.includes('authSession.idle') && (context.coolingDown ? probes : due));
  if (!startsRefresh) {
    expectUnchanged(outcome);
    return;
  }
  expect(after.value, where).toEqual({ refreshing: 'requesting' });
  expect(refreshesStarted, where).toBe(1);
  expect(after.context.tokens, where).toEqual(context.tokens);
  expect(after.context.waiters, where).toEqual(context.waiters);
  expect(after.context.probing, where).toBe(ids.includes('authSession.idle') && context.coolingDown);
  expect(outcome.emitted, where).toEqual([]);
}

/** LOGOUT in this tab: from any signed-in or expired state, nothing is kept and every waiter hears LoggedOutError. */
export function checkLogout(outcome: StepOutcome): void {
  const { before, after, emitted, refreshesStarted, where } = outcome;
  if (statusOf(before) === 'loggedOut') {
    expectUnchanged(outcome);
    return;
  }
  expect(after.value, where).toBe('loggedOut');
  expect(after.context.tokens, where).toBeNull();
  expect(after.context.waiters, where).toEqual([]);
  for (const rejected of settledWaiters(outcome, 'waiters.rejected')) expect(rejected.reason, where).toBe('loggedOut');
  // One lifecycle event, and not marked as coming from another tab.
  expect(
    emitted.filter((e) => !e.type.startsWith('waiters.')),
    where,
  ).toEqual([{ type: 'logout' }]);
  expect(refreshesStarted, where).toBe(0);
}
