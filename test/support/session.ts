import { afterEach, beforeEach, vi } from 'vitest';
import { createAuthSession, type AuthSession, type AuthSessionOptions } from 'tokenflight';
import type { TokenInput } from 'tokenflight';

/** What a test gives a session: a refresh function at least. */
export type SessionOptions = Partial<AuthSessionOptions> & Pick<AuthSessionOptions, 'refresh'>;

/** The wall clock of the fake clock. */
export const NOW = Date.UTC(2026, 0, 1);

/** Fakes setTimeout, clearTimeout and Date (from NOW) in every test of the file or describe it is called in. */
export function useFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());
}

/** The token set most session tests start from: a0 / r0 for an hour. */
export const A0 = { accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 };

/** A token set `name`, with refresh token `r-<name>`, good for `expiresIn` seconds. */
export const tokenInput = (name = 'a1', expiresIn = 600): TokenInput => ({
  accessToken: name,
  refreshToken: `r-${name}`,
  expiresIn,
});

/** A session whose backoff jitter is fixed (random() = 0.5), so retry delays are exact. */
export const startSession = (options: SessionOptions): AuthSession =>
  createAuthSession({ random: () => 0.5, ...options });

/** A session whose refresh (a mock the test can inspect) answers a2 at once, unless `options.refresh` says otherwise. */
export function refreshingSession(options: Partial<AuthSessionOptions> = {}) {
  const refresh = vi.fn(async () => tokenInput('a2'));
  return { refresh, session: createAuthSession({ refresh, ...options }) };
}

/** A factory of sessions built on `defaults`, each stopped after its test. */
export function useSessions(defaults: Partial<AuthSessionOptions> = {}) {
  const created: AuthSession[] = [];
  afterEach(() => {
    for (const session of created.splice(0)) session.stop();
  });
  return (options: SessionOptions): AuthSession => {
    const session = createAuthSession({ ...defaults, ...options });
    created.push(session);
    return session;
  };
}
