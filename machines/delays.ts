import { clampDelay, MAX_DELAY } from '../domain/time.js';
import type { AuthContext } from './authSessionTypes.js';

/** The proactive refresh margin, capped at half the token's lifetime so short tokens are not refreshed at once. */
export function effectiveMargin(context: Pick<AuthContext, 'config' | 'lifetime'>): number {
  const { refreshMargin } = context.config;
  return context.lifetime === null ? refreshMargin : Math.min(refreshMargin, context.lifetime / 2);
}

/** Exponential backoff with equal jitter: half the step is fixed, half random, so retries never bunch up. */
export function backoffDelay(attempt: number, minDelay: number, maxDelay: number, random: () => number): number {
  const step = Math.min(maxDelay, minDelay * 2 ** Math.max(0, attempt - 1));
  return clampDelay(step / 2 + random() * (step / 2));
}

/**
 * During the cooldown, how long after an attempt ended the session may probe the server again
 * (ms): recovery within about this much of the server's return, and at most one attempt per
 * this much on a server that is down (per origin with crossTab).
 */
export const PROBE_INTERVAL = 2_000;

interface DelayArgs {
  context: AuthContext;
}

/**
 * The machine's named delays; the session supplies its own clock and random source.
 * `attemptAllowance`: extra time an attempt may take before its own request starts (a
 * coordinator waiting for another tab's lock); the coordinator bounds that wait itself.
 */
export function createDelays(now: () => number, random: () => number = Math.random, attemptAllowance = 0) {
  return {
    refreshDue: ({ context }: DelayArgs) => {
      const expiresAt = context.tokens?.expiresAt;
      if (expiresAt === null || expiresAt === undefined) return MAX_DELAY;
      const due = expiresAt - effectiveMargin(context) - now();
      return clampDelay(context.coolingDown ? Math.max(due, context.config.failureCooldown) : due);
    },
    heartbeatInterval: ({ context }: DelayArgs) => clampDelay(context.config.heartbeatInterval ?? MAX_DELAY),
    failureCooldown: ({ context }: DelayArgs) => clampDelay(context.config.failureCooldown),
    // Never after the cooldown's own end: a short cooldown ends before a probe is due.
    probeInterval: ({ context }: DelayArgs) => clampDelay(Math.min(PROBE_INTERVAL, context.config.failureCooldown)),
    refreshTimeout: ({ context }: DelayArgs) => clampDelay(context.config.refreshTimeout + attemptAllowance),
    retryDelay: ({ context }: DelayArgs) =>
      backoffDelay(context.attempt, context.config.minDelay, context.config.maxDelay, random),
  };
}
