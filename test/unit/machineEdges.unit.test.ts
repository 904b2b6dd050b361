import { createActor, fromPromise } from 'xstate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authSessionMachine } from '../../machines/authSession.js';
import { createDelays } from '../../machines/delays.js';
import type { AuthEmitted, RefreshActorInput, SessionConfig } from '../../machines/authSessionTypes.js';
import type { ReceivedTokens } from '../../domain/tokens.js';

const NOW = 1_000_000;
const config: SessionConfig = {
  proactiveRefresh: true,
  refreshMargin: 0,
  heartbeatInterval: null,
  refreshTimeout: 1_000,
  retries: 0,
  minDelay: 1,
  maxDelay: 1,
  maxQueue: 10,
  failureCooldown: 30_000,
};

/** Tokens living `ms` from now, as the session hands them to the machine. */
function living(name: string, ms: number): ReceivedTokens {
  return {
    tokens: { accessToken: name, refreshToken: `r-${name}`, expiresAt: Date.now() + ms, tokenType: null, scope: null },
    lifetime: ms,
  };
}

/** The machine with a refresh that never answers, so the test sees where it stands. */
function start(overrides: Partial<SessionConfig> = {}, attemptAllowance = 0) {
  const machine = authSessionMachine.provide({
    actors: { refresh: fromPromise<ReceivedTokens, RefreshActorInput>(() => new Promise(() => {})) },
    delays: createDelays(() => Date.now(), Math.random, attemptAllowance),
  });
  const actor = createActor(machine, { input: { config: { ...config, ...overrides } } });
  const emitted: AuthEmitted[] = [];
  actor.on('*', (event) => void emitted.push(event));
  actor.start();
  // The top-level state: nested ones (idle.waiting, refreshing.requesting) by their parent's name.
  const state = () => {
    const value = actor.getSnapshot().value;
    return typeof value === 'string' ? value : Object.keys(value)[0];
  };
  return { actor, emitted, state };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => vi.useRealTimers());

describe('waking up', () => {
  it('refreshes when woken exactly at the moment the token falls due (the margin before its expiry)', () => {
    const { actor, state } = start({ refreshMargin: 10_000 });
    actor.send({ type: 'LOGIN', received: living('a0', 60_000) });
    actor.send({ type: 'WAKE', reason: 'visible', at: NOW + 49_999 });
    expect(state()).toBe('idle');
    actor.send({ type: 'WAKE', reason: 'visible', at: NOW + 50_000 });
    expect(state()).toBe('refreshing');
    actor.stop();
  });

  it('leaves a token with no known expiry alone', () => {
    const { actor, state } = start();
    actor.send({
      type: 'LOGIN',
      received: {
        tokens: { accessToken: 'opaque', refreshToken: 'r', expiresAt: null, tokenType: null, scope: null },
        lifetime: null,
      },
    });
    actor.send({ type: 'WAKE', reason: 'resume', at: NOW + 86_400_000 });
    expect(state()).toBe('idle');
    actor.stop();
  });
});

describe('tokens synced from another tab', () => {
  it('replace the refresh schedule: the old token’s due time no longer triggers a refresh', async () => {
    const { actor, state } = start();
    actor.send({ type: 'LOGIN', received: living('a0', 60_000) });
    actor.send({ type: 'SYNC', state: 'loggedIn', received: living('a1', 600_000) });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state()).toBe('idle');
    expect(actor.getSnapshot().context.tokens?.accessToken).toBe('a1');
    await vi.advanceTimersByTimeAsync(540_000);
    expect(state()).toBe('refreshing');
    actor.stop();
  });

  it('an expiry in another tab says so in the expired event', () => {
    const { actor, emitted, state } = start();
    actor.send({ type: 'LOGIN', received: living('a0', 60_000) });
    actor.send({ type: 'SYNC', state: 'expired' });
    expect(state()).toBe('expired');
    const expired = emitted.find((event) => event.type === 'expired');
    expect(expired).toMatchObject({
      error: { name: 'SessionExpiredError', message: 'The session expired in another tab' },
    });
    actor.stop();
  });

  it('a logout in another tab is not taken for a login', () => {
    const { actor, state } = start();
    actor.send({ type: 'LOGIN', received: living('a0', 60_000) });
    actor.send({ type: 'SYNC', state: 'loggedOut' });
    expect(state()).toBe('loggedOut');
    actor.stop();
  });
});

describe('the refresh timeout', () => {
  it('allows the attempt allowance (a coordinator waiting for a lock) on top of refreshTimeout', async () => {
    const { actor, emitted } = start({}, 500);
    actor.send({ type: 'LOGIN', received: living('a0', 60_000) });
    actor.send({ type: 'REFRESH', id: 1, at: Date.now() });
    await vi.advanceTimersByTimeAsync(1_499);
    expect(emitted.filter((event) => event.type === 'refreshFailed')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(emitted.filter((event) => event.type === 'refreshFailed')).toMatchObject([
      { error: { name: 'RefreshTimeoutError' } },
    ]);
    actor.stop();
  });
});

describe('the failure cooldown', () => {
  it('ends after failureCooldown: a token request then starts a refresh instead of failing', async () => {
    const machine = authSessionMachine.provide({
      actors: {
        refresh: fromPromise<ReceivedTokens, RefreshActorInput>(() => Promise.reject(new TypeError('fetch failed'))),
      },
    });
    const actor = createActor(machine, { input: { config } });
    const rejected: string[] = [];
    actor.on('waiters.rejected', ({ reason }) => void rejected.push(reason));
    actor.start();
    actor.send({ type: 'LOGIN', received: living('a0', 600_000) });
    actor.send({ type: 'REFRESH', id: 1, at: Date.now() });
    await vi.advanceTimersByTimeAsync(0);
    expect(rejected).toEqual(['refreshFailed']);
    actor.send({ type: 'UNAUTHORIZED', id: 2, at: Date.now(), accessToken: 'a0' });
    expect(rejected).toEqual(['refreshFailed', 'coolingDown']);
    await vi.advanceTimersByTimeAsync(30_000);
    actor.send({ type: 'UNAUTHORIZED', id: 3, at: Date.now(), accessToken: 'a0' });
    expect(actor.getSnapshot().matches('refreshing')).toBe(true);
    actor.stop();
  });
});

describe('the machine on its own defaults (without the session providing its actors and delays)', () => {
  const ownConfig = (heartbeatInterval: number | null): SessionConfig => ({
    proactiveRefresh: true,
    refreshMargin: 0,
    heartbeatInterval,
    refreshTimeout: 1_000,
    retries: 0,
    minDelay: 1,
    maxDelay: 1,
    maxQueue: 10,
    failureCooldown: 1_000,
  });

  it('answers a token request at once while the token is usable, and refreshes for an unusable one', () => {
    const actor = createActor(authSessionMachine, { input: { config: ownConfig(null) } });
    const resolved: number[][] = [];
    actor.on('waiters.resolved', ({ ids }) => resolved.push(ids));
    actor.start();
    actor.send({
      type: 'LOGIN',
      received: {
        tokens: { accessToken: 'a', refreshToken: null, expiresAt: Date.now() + 60_000, tokenType: null, scope: null },
        lifetime: 60_000,
      },
    });
    actor.send({ type: 'TOKEN.REQUEST', id: 1, at: Date.now() });
    expect(resolved).toEqual([[1]]);
    expect(actor.getSnapshot().matches('idle')).toBe(true);
    actor.send({ type: 'TOKEN.REQUEST', id: 2, at: Date.now() + 60_000 });
    expect(actor.getSnapshot().matches('refreshing')).toBe(true);
    actor.stop();
  });

  it('does not refresh or check by itself before the token is due', async () => {
    const actor = createActor(authSessionMachine, { input: { config: ownConfig(1) } });
    const events: string[] = [];
    actor.on('*', (event) => events.push(event.type));
    actor.start();
    actor.send({
      type: 'LOGIN',
      received: {
        tokens: { accessToken: 'a', refreshToken: null, expiresAt: Date.now() + 60_000, tokenType: null, scope: null },
        lifetime: 60_000,
      },
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(events).toEqual(['login']);
    expect(actor.getSnapshot().matches('idle')).toBe(true);
    actor.stop();
  });

  it('asks for a refresh actor, keeps the session on its default heartbeat and reads the real clock', async () => {
    const actor = createActor(authSessionMachine, { input: { config: ownConfig(1) } });
    const rejected: unknown[] = [];
    actor.on('waiters.rejected', ({ error }) => rejected.push((error as Error).message));
    actor.start();
    actor.send({
      type: 'LOGIN',
      received: {
        tokens: { accessToken: 'a', refreshToken: null, expiresAt: Date.now() + 60_000, tokenType: null, scope: null },
        lifetime: 60_000,
      },
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(actor.getSnapshot().matches('idle')).toBe(true);
    actor.send({ type: 'REFRESH', id: 1, at: Date.now() });
    await vi.advanceTimersByTimeAsync(0);
    expect(rejected).toEqual(['tokenflight: the session provides the refresh actor']);
    actor.stop();
  });
});
