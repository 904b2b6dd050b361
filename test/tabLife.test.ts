// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshCooldownError } from 'tokenflight';
import type { WakeReason } from 'tokenflight/machine';
import { watchTabLife } from '../src/session/tabLife.js';
import { PROBE_INTERVAL } from '../machines/delays.js';
import { flush, refreshStub } from './support/refreshStub.js';
import { useSessions } from './support/session.js';

const START = 1_000_000;

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
  setVisibility('visible');
  vi.useRealTimers();
});
/** A session whose backoff jitter is fixed (random() = 0.5), stopped after each test (before the hooks above). */
const session = useSessions({ random: () => 0.5 });

// 100 s tokens: the margin is capped at half the lifetime, so a refresh is due after 50 s.
const shortTokens = { accessToken: 'a0', refreshToken: 'r0', expiresIn: 100 };

describe('a tab coming back to life', () => {
  /** A session whose only attempt (no retries) just failed: it cools down for 30 s. */
  async function coolingDown() {
    const stub = refreshStub();
    const user = session({
      refresh: stub.refresh,
      tokens: shortTokens,
      retry: { retries: 0 },
      failureCooldown: 30_000,
    });
    const failed = user.refresh();
    stub.last().answer.reject(new TypeError('fetch failed'));
    await expect(failed).rejects.toBeInstanceOf(TypeError);
    return { stub, user };
  }

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
    session({
      refresh: stub.refresh,
      tokens: shortTokens,
      tabLife: { wakeCheckInterval: 10_000, wakeLateBy: 120_000 },
    });
    sleepFor(55_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stub.calls).toHaveLength(0);
  });

  it('cuts a backoff short: the waiting requests get the retry at once', async () => {
    const stub = refreshStub();
    const user = session({
      refresh: stub.refresh,
      tokens: shortTokens,
      retry: { retries: 2, minDelay: 20_000, maxDelay: 20_000 },
    });
    const request = user.refresh();
    stub.last().answer.reject(new TypeError('fetch failed'));
    await flush();
    expect(stub.calls).toHaveLength(1);
    window.dispatchEvent(new Event('online'));
    expect(stub.calls).toHaveLength(2);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 100 });
    await expect(request).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('respects the failure cooldown when the tab becomes visible before a probe is due, but not when the network comes back', async () => {
    const { stub, user } = await coolingDown();
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

  it('during the cooldown, a tab becoming visible probes the server once a probe is due, and the answer ends the cooldown', async () => {
    const { stub, user } = await coolingDown();
    // Right after the failed attempt: held.
    setVisibility('hidden');
    setVisibility('visible');
    expect(stub.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL);
    setVisibility('hidden');
    setVisibility('visible');
    expect(stub.calls).toHaveLength(2);
    expect(stub.last().context.refreshToken).toBe('r0');
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 100 });
    await flush();
    expect(user.tokens?.accessToken).toBe('a1');
    sleepFor(110_000);
    // The cooldown is over: a need for a new token refreshes as usual.
    const next = user.getToken();
    expect(stub.calls).toHaveLength(3);
    stub.last().answer.resolve({ accessToken: 'a2', refreshToken: 'r2', expiresIn: 100 });
    await expect(next).resolves.toMatchObject({ accessToken: 'a2' });
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
    const remove = vi.spyOn(target, 'removeEventListener').mockImplementation(function (
      this: EventTarget,
      type: string,
    ) {
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

/** A stand-in for `document`: an event target whose visibility the test sets. */
class FakeDocument extends EventTarget {
  visibilityState = 'visible';
  become(state: 'visible' | 'hidden') {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('watchTabLife (on a stand-in document and window)', () => {
  let page: FakeDocument;
  let win: EventTarget;
  let wakes: WakeReason[];
  const onWake = (reason: WakeReason) => void wakes.push(reason);
  const now = () => Date.now();

  beforeEach(() => {
    page = new FakeDocument();
    win = new EventTarget();
    wakes = [];
    vi.stubGlobal('document', page);
    vi.stubGlobal('window', win);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reports the tab becoming visible and the network coming back, each with its reason', () => {
    const stop = watchTabLife(onWake, now);
    page.become('visible');
    win.dispatchEvent(new Event('online'));
    expect(wakes).toEqual(['visible', 'online']);
    stop();
  });

  it('stays quiet when the tab is hidden', () => {
    const stop = watchTabLife(onWake, now);
    page.become('hidden');
    expect(wakes).toEqual([]);
    stop();
  });

  it('reports a resume when a tick arrives later than the interval plus wakeLateBy', async () => {
    const stop = watchTabLife(onWake, now, { wakeCheckInterval: 10_000, wakeLateBy: 30_000 });
    sleepFor(30_001);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(wakes).toEqual(['resume']);
    stop();
  });

  it('does not report a tick that is exactly interval plus wakeLateBy apart', async () => {
    const stop = watchTabLife(onWake, now, { wakeCheckInterval: 10_000, wakeLateBy: 30_000 });
    sleepFor(30_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(wakes).toEqual([]);
    stop();
  });

  it('checks on the default 10 s interval, not sooner', async () => {
    const stop = watchTabLife(onWake, now);
    sleepFor(60_000);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(wakes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(wakes).toEqual(['resume']);
    stop();
  });

  it('checks on the wakeCheckInterval it was given', async () => {
    const stop = watchTabLife(onWake, now, { wakeCheckInterval: 2_000, wakeLateBy: 5_000 });
    sleepFor(10_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(wakes).toEqual(['resume']);
    stop();
  });

  it('after stop, neither events nor a late tick reach it, and no timer is left', async () => {
    const stop = watchTabLife(onWake, now);
    stop();
    page.become('visible');
    win.dispatchEvent(new Event('online'));
    sleepFor(60_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(wakes).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does nothing when switched off', () => {
    const stop = watchTabLife(onWake, now, false);
    page.become('visible');
    win.dispatchEvent(new Event('online'));
    expect(wakes).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    stop();
  });

  it('does nothing (and does not throw) where there is a document but no window, as in some workers', () => {
    vi.stubGlobal('window', undefined);
    const addListener = vi.spyOn(page, 'addEventListener');
    const stop = watchTabLife(onWake, now);
    expect(addListener).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    page.become('visible');
    expect(wakes).toEqual([]);
    stop();
  });
});
