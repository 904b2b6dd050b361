/**
 * A fake clock for the long session: `now()` for the session and the backend, and
 * setTimeout/clearTimeout installed on globalThis (where XState's default clock looks them up)
 * so the proactive refresh fires on simulated time. Only safe while nothing else needs real
 * timers: the long session runs on the in-process server, no sockets.
 */

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

export interface FakeClock {
  now(): number;
  /** Moves time forward, firing due timers in order and letting their promise chains settle. */
  advance(ms: number): Promise<void>;
  uninstall(): void;
}

/** setImmediate is left real: one turn of it drains every pending microtask. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function installFakeClock(start: number): FakeClock {
  let current = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;

  const fakeSetTimeout = (callback: (...args: unknown[]) => void, ms = 0, ...args: unknown[]) => {
    const id = nextId++;
    timers.set(id, { id, at: current + Math.max(0, ms), callback: () => callback(...args) });
    return id;
  };
  const fakeClearTimeout = (id: unknown) => {
    if (typeof id === 'number') timers.delete(id);
  };
  globalThis.setTimeout = fakeSetTimeout as unknown as typeof globalThis.setTimeout;
  globalThis.clearTimeout = fakeClearTimeout;

  function earliestDue(until: number): Timer | undefined {
    let earliest: Timer | undefined;
    for (const timer of timers.values()) {
      if (timer.at <= until && (!earliest || timer.at < earliest.at)) earliest = timer;
    }
    return earliest;
  }

  return {
    now: () => current,
    async advance(ms) {
      const target = current + ms;
      // Bounded: a timer that keeps rescheduling itself at 0 ms cannot hold the bench forever.
      for (let fired = 0; fired < 10_000; fired++) {
        const timer = earliestDue(target);
        if (!timer) break;
        timers.delete(timer.id);
        current = Math.max(current, timer.at);
        timer.callback();
        await settle();
      }
      current = target;
      await settle();
    },
    uninstall() {
      globalThis.setTimeout = realSetTimeout;
      globalThis.clearTimeout = realClearTimeout;
      timers.clear();
    },
  };
}
