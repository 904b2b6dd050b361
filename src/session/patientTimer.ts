/** A timer this much later than asked was held up: the tab was frozen, paused or starved of CPU. */
const LATE_MS = 100;
/** How long a late timer waits again, awake, before it fires. */
const GRACE_MS = 250;

export interface PatientTimer {
  id?: ReturnType<typeof setTimeout>;
}

/**
 * setTimeout for deadlines such as the refresh timeout. A tab that stood still (frozen in the
 * background, paused in a debugger, starved of CPU) wakes with its overdue timers and the network
 * answers that arrived meanwhile all queued, in no set order. A timeout that ran first would
 * abort a refresh whose answer is already here, and the retry would present the refresh token
 * the server has just rotated. So a late timer first waits GRACE_MS more, awake, and then fires
 * whether or not that wait was late too: a hidden tab runs every timer up to a second late (and
 * a throttled one up to a minute), and a deadline must still come. `now` is the session's clock.
 */
export function patientTimeout(fire: () => void, ms: number, now: () => number): PatientTimer {
  const timer: PatientTimer = {};
  const due = now() + ms;
  timer.id = setTimeout(() => (now() - due > LATE_MS ? (timer.id = setTimeout(fire, GRACE_MS)) : fire()), ms);
  return timer;
}

/** The machine's clock (XState's `clock` option): every `after` timer is patient. */
export const patientClock = (now: () => number) => ({
  setTimeout: (fire: () => void, ms: number) => patientTimeout(fire, ms, now),
  clearTimeout: (timer: PatientTimer) => clearTimeout(timer.id),
});
