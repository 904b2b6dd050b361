import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WakeReason } from '../../machines/authSessionTypes.js';
import { watchTabLife } from '../../src/tabLife.js';

/** A stand-in for `document`: an event target whose visibility the test sets. */
class FakeDocument extends EventTarget {
  visibilityState = 'visible';
  become(state: 'visible' | 'hidden') {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

let page: FakeDocument;
let win: EventTarget;
let wakes: WakeReason[];
const onWake = (reason: WakeReason) => void wakes.push(reason);
const now = () => Date.now();

/** The wall clock jumps while no timer runs (the machine slept). */
function sleepFor(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  page = new FakeDocument();
  win = new EventTarget();
  wakes = [];
  vi.stubGlobal('document', page);
  vi.stubGlobal('window', win);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('watchTabLife', () => {
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
