import { waitFor } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { refreshStub } from './support/refreshStub.js';

const sessions: AuthSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

describe('anything else', () => {
  it('session.actor is an ordinary XState actor: subscribe, waitFor, getSnapshot', async () => {
    const stub = refreshStub();
    const session = createAuthSession({
      refresh: stub.refresh,
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 },
    });
    sessions.push(session);
    // --- snippet: xstate-actor ---
    const values: unknown[] = [];
    const subscription = session.actor.subscribe((snapshot) => values.push(snapshot.value));
    const backToIdle = waitFor(
      session.actor,
      (snapshot) => snapshot.matches('idle') && snapshot.context.tokens?.accessToken === 'a1',
      { timeout: 10_000 },
    );
    // --- end of snippet ---
    const refreshed = session.refresh();
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    await expect(backToIdle).resolves.toMatchObject({ context: { tokens: { accessToken: 'a1' } } });
    subscription.unsubscribe();
    expect(values).toEqual([{ refreshing: 'requesting' }, { idle: 'waiting' }]);
  });
});
