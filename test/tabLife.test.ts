// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession, RefreshCooldownError, type AuthSession, type AuthSessionOptions } from '../src/index.js';
import { flush, refreshStub } from './support/refreshStub.js';

const START = 1_000_000;
const sessions: AuthSession[] = [];
function session(options: AuthSessionOptions) {
  const created = createAuthSession({ random: () => 0.5, ...options });
  sessions.push(created);
  return created;
}

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** The wall clock jumps (the laptop slept, the tab was frozen) while no timer got to run. */
function sleepFor(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  for (const created of sessions.splice(0)) created.stop();
  setVisibility('visible');
  vi.useRealTimers();
});

// 100 s tokens: the margin is capped at half the lifetime, so a refresh is due after 50 s.
const shortTokens = { accessToken: 'a0', refreshToken: 'r0', expiresIn: 100 };

describe('a tab coming back to life', () => {
  it('refreshes a due token at once when the tab becomes visible, and the next request waits for it', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, tokens: shortTokens });
    setVisibility('hidden');
    sleepFor(60_000);
    expect(stub.calls).toHaveLength(0);
    setVisibility('visible');
    expect(stub.calls).toHaveLength(1);
    expect(user.status).toBe('refreshing');
    // a0 has 40 s left, yet a request made now goes out with the new token.
    const request = user.getToken();
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 100 });
    await expect(request).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('leaves a token that is not due yet alone, and ignores the tab being hidden', async () => {
    const stub = refreshStub();
    session({ refresh: stub.refresh, tokens: shortTokens });
    sleepFor(30_000);
    setVisibility('hidden');
    setVisibility('visible');
    window.dispatchEvent(new Event('online'));
    expect(stub.calls).toHaveLength(0);
  });

  it('refreshes a token past its expiry when the network comes back online', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, tokens: shortTokens });
    sleepFor(150_000);
    window.dispatchEvent(new Event('online'));
    expect(stub.calls).toHaveLength(1);
    expect(user.status).toBe('refreshing');
  });

  it('notices a wake from sleep by a timer that fires far later than scheduled', async () => {
    const stub = refreshStub();
    session({ refresh: stub.refresh, tokens: shortTokens, tabLife: { wakeCheckInterval: 10_000, wakeLateBy: 30_000 } });
    sleepFor(55_000);
    // The proactive timer still has 50 s to go in timer time; the detector's next tick is 65 s late by the clock.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stub.calls).toHaveLength(1);
  });

  it('does not mistake ticks that are merely a little late for a wake', async () => {
    const stub = refreshStub();
    session({ refresh: stub.refresh, tokens: shortTokens, tabLife: { wakeCheckInterval: 10_000, wakeLateBy: 120_000 } });
    sleepFor(55_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stub.calls).toHaveLength(0);
  });

  it('cuts a backoff short: the waiting requests get the retry at once', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, tokens: shortTokens, retry: { retries: 2, minDelay: 20_000, maxDelay: 20_000 } });
    const request = user.refresh();
    stub.last().answer.reject(new TypeError('fetch failed'));
    await flush();
    expect(stub.calls).toHaveLength(1);
    window.dispatchEvent(new Event('online'));
    expect(stub.calls).toHaveLength(2);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 100 });
    await expect(request).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('respects the failure cooldown when the tab becomes visible, but not when the network comes back', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, tokens: shortTokens, retry: { retries: 0 }, failureCooldown: 30_000 });
    const failed = user.refresh();
    stub.last().answer.reject(new TypeError('fetch failed'));
    await expect(failed).rejects.toBeInstanceOf(TypeError);
    sleepFor(60_000);
    setVisibility('hidden');
    setVisibility('visible');
    expect(stub.calls).toHaveLength(1);
    await expect(user.getToken()).resolves.toMatchObject({ accessToken: 'a0' });
    sleepFor(50_000);
    await expect(user.getToken()).rejects.toBeInstanceOf(RefreshCooldownError);
    window.dispatchEvent(new Event('online'));
    expect(stub.calls).toHaveLength(2);
    expect(stub.last().context.refreshToken).toBe('r0');
  });

  it('can be switched off', async () => {
    const stub = refreshStub();
    session({ refresh: stub.refresh, tokens: shortTokens, tabLife: false });
    sleepFor(60_000);
    setVisibility('visible');
    window.dispatchEvent(new Event('online'));
    expect(stub.calls).toHaveLength(0);
  });
});

describe('stop and dispose', () => {
  function countListeners(target: EventTarget) {
    const live = new Map<string, number>();
    const add = vi.spyOn(target, 'addEventListener').mockImplementation(function (this: EventTarget, type: string) {
      live.set(type, (live.get(type) ?? 0) + 1);
    });
    const remove = vi.spyOn(target, 'removeEventListener').mockImplementation(function (this: EventTarget, type: string) {
      live.set(type, (live.get(type) ?? 0) - 1);
    });
    return {
      live: () => [...live.values()].reduce((sum, count) => sum + count, 0),
      restore: () => {
        add.mockRestore();
        remove.mockRestore();
      },
    };
  }

  for (const ending of ['stop', 'Symbol.dispose'] as const) {
    it(`${ending} leaves no timer and no listener behind`, async () => {
      const onDocument = countListeners(document);
      const onWindow = countListeners(window);
      try {
        const stub = refreshStub();
        const user = session({
          refresh: stub.refresh,
          heartbeat: async () => true,
          heartbeatInterval: 5_000,
          waitTimeout: 60_000,
          retry: { retries: 3, minDelay: 10_000 },
          tokens: shortTokens,
        });
        user.subscribe(() => undefined);
        user.on('refreshed', () => undefined);
        const waiting = user.refresh();
        stub.last().answer.reject(new TypeError('fetch failed'));
        await flush();
        expect(vi.getTimerCount()).toBeGreaterThan(0);
        expect(onDocument.live()).toBe(1);
        expect(onWindow.live()).toBe(1);

        if (ending === 'stop') user.stop();
        else user[Symbol.dispose]();

        await expect(waiting).rejects.toThrow();
        expect(vi.getTimerCount()).toBe(0);
        expect(onDocument.live()).toBe(0);
        expect(onWindow.live()).toBe(0);
      } finally {
        onDocument.restore();
        onWindow.restore();
      }
    });
  }
});
