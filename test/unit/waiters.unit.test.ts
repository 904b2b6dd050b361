import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession, type AuthSession, type AuthSessionOptions } from '../../src/session/createAuthSession.js';
import { LoggedOutError } from '../../domain/errors/LoggedOutError.js';
import { refreshStub } from '../support/refreshStub.js';

const sessions: AuthSession[] = [];
function session(options: AuthSessionOptions) {
  const created = createAuthSession({ random: () => 0.5, ...options });
  sessions.push(created);
  return created;
}

/** A token that is already past its expiry, so any request starts a refresh. */
const expired = { accessToken: 'a0', refreshToken: 'r0', expiresAt: 1 };

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  for (const created of sessions.splice(0)) created.stop();
  vi.useRealTimers();
});

// `session.actor` is public: code may send its own requests to it. The machine then answers
// ids the session never handed out, in the same batch as the session's own callers.
describe('callers waiting beside requests sent straight to session.actor', () => {
  it('still get the refreshed token', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, tokens: expired });
    const own = user.getToken();
    user.actor.send({ type: 'TOKEN.REQUEST', id: 10_000, at: Date.now() });
    const after = user.getToken();
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 600 });
    await expect(own).resolves.toMatchObject({ accessToken: 'a1' });
    await expect(after).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('are still told when the session logs out', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, tokens: expired });
    user.actor.send({ type: 'TOKEN.REQUEST', id: 10_000, at: Date.now() });
    const own = user.getToken();
    user.logout();
    await expect(own).rejects.toBeInstanceOf(LoggedOutError);
  });
});
