/**
 * A tab that stood still (frozen in the background, paused in a debugger, starved of CPU) while
 * its refresh was answered. On waking, the overdue refresh timeout and the answer that arrived
 * meanwhile are both waiting, in no set order; the timeout must not throw the answer away, or
 * the retry presents the refresh token the server has already rotated (reuse: the session is
 * revoked). Found by the soak (test/e2e/soak.e2e.ts): a tab paused by Debugger.pause mid-refresh
 * presented its refresh token twice. `frozenFor` moves the session's clock as a freeze does;
 * the synchronous advanceTimersByTime runs the overdue timer before the answer's callbacks.
 */
import { describe, expect, it, vi } from 'vitest';
import { crossTab } from 'tokenflight/cross-tab';
import { patientTimeout } from '../src/session/patientTimer.js';
import { webStorage } from 'tokenflight';
import type { AuthSessionOptions } from 'tokenflight';
import { MapStorage } from './support/mapStorage.js';
import { memoryLocks } from './support/memoryLocks.js';
import { flush, refreshStub } from './support/refreshStub.js';
import { A0, tokenInput, useFakeClock, useSessions } from './support/session.js';

useFakeClock();
const session = useSessions({ random: () => 0.5, refreshTimeout: 1_000, retry: { minDelay: 20, maxDelay: 50 } });

function frozenTab(options: Partial<AuthSessionOptions> = {}) {
  let frozenFor = 0;
  const stub = refreshStub();
  const user = session({ refresh: stub.refresh, now: () => Date.now() + frozenFor, tokens: A0, ...options });
  return {
    stub,
    user,
    /** The tab stands still for `ms` while the refresh is answered, then wakes with its timers overdue. */
    freezeWhileAnswered(ms: number) {
      frozenFor += ms;
      stub.last().answer.resolve(tokenInput('a1'));
      vi.advanceTimersByTime(1_000);
    },
  };
}

describe('a refresh answered while the tab stood still', () => {
  const name = `frozen-${process.pid}`;
  it.each([
    ['one tab', () => ({})],
    [
      'cross-tab',
      () => ({
        storage: webStorage(new MapStorage(), name),
        plugins: [crossTab({ name, locks: memoryLocks().manager })],
      }),
    ],
  ] as const)('is taken, not timed out and retried with the rotated refresh token (%s)', async (_, options) => {
    const { stub, user, freezeWhileAnswered } = frozenTab(options());
    const refreshed = user.refresh();
    await flush(20);
    expect(stub.calls).toHaveLength(1);
    freezeWhileAnswered(5_000);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(stub.calls.map((call) => call.context.refreshToken)).toEqual(['r0']);
    expect(user.tokens?.refreshToken).toBe('r-a1');
    await expect(refreshed).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('still times out a refresh that got no answer, once the tab has been awake for a moment', async () => {
    const { stub, user } = frozenTab();
    const refreshed = user.refresh();
    await flush();
    vi.advanceTimersByTime(1_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(user.status).toBe('refreshing');
    expect(stub.calls).toHaveLength(1);
    // On time: the timeout fires at once, and the retry follows its backoff.
    await vi.advanceTimersByTimeAsync(100);
    expect(stub.calls.map((call) => call.context.refreshToken)).toEqual(['r0', 'r0']);
    refreshed.catch(() => {});
  });
});

describe('a patient timer', () => {
  it('waits one grace period when it fires late, and then fires even if it is late again (a hidden tab whose timers run ~1 s late)', () => {
    let late = 0;
    const fired = vi.fn();
    patientTimeout(fired, 1_000, () => Date.now() + late);
    late += 900;
    vi.advanceTimersToNextTimer();
    expect(fired).not.toHaveBeenCalled();
    late += 900;
    vi.advanceTimersToNextTimer();
    expect(fired).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires at once when it is on time', () => {
    const fired = vi.fn();
    patientTimeout(fired, 1_000, Date.now);
    vi.advanceTimersByTime(1_000);
    expect(fired).toHaveBeenCalledOnce();
  });
});
