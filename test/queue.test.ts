import { describe, expect, it } from 'vitest';
import { createAuthSession } from '../src/createAuthSession.js';
import type { TokenInput } from '../domain/tokens.js';

function heldSession(maxQueue: number) {
  let answer!: (tokens: TokenInput) => void;
  const session = createAuthSession({
    tokens: { accessToken: 'old', refreshToken: 'r1', expiresIn: 300 },
    maxQueue,
    refresh: () => new Promise<TokenInput>((resolve) => (answer = resolve)),
  });
  return { session, answer: (tokens: TokenInput) => answer(tokens) };
}

describe('the waiter queue', () => {
  it('releases every one of many queued callers with the new token, and empties', async () => {
    const { session, answer } = heldSession(5_001);
    const first = session.refresh();
    const waits = Array.from({ length: 5_000 }, () => session.getToken());
    expect(session.actor.getSnapshot().context.waiters).toHaveLength(5_001);
    answer({ accessToken: 'new', refreshToken: 'r2', expiresIn: 300 });
    const released = await Promise.all([first, ...waits]);
    expect(new Set(released.map((tokens) => tokens.accessToken))).toEqual(new Set(['new']));
    expect(session.actor.getSnapshot().context.waiters).toHaveLength(0);
    session.stop();
  });

  it('keeps each session its own queue', async () => {
    const a = heldSession(10);
    const b = heldSession(10);
    const waitsA = [a.session.refresh(), a.session.getToken(), a.session.getToken()];
    const waitB = b.session.refresh();
    expect(a.session.actor.getSnapshot().context.waiters).toHaveLength(3);
    expect(b.session.actor.getSnapshot().context.waiters).toHaveLength(1);
    a.answer({ accessToken: 'a2', expiresIn: 300 });
    b.answer({ accessToken: 'b2', expiresIn: 300 });
    expect((await Promise.all(waitsA)).map((t) => t.accessToken)).toEqual(['a2', 'a2', 'a2']);
    expect((await waitB).accessToken).toBe('b2');
    // A second round starts from an empty queue, not from the first round's array.
    const again = a.session.refresh();
    expect(a.session.actor.getSnapshot().context.waiters).toHaveLength(1);
    a.answer({ accessToken: 'a3', expiresIn: 300 });
    expect((await again).accessToken).toBe('a3');
    a.session.stop();
    b.session.stop();
  });

  it('still turns callers beyond maxQueue away', async () => {
    const { session, answer } = heldSession(2);
    const accepted = [session.refresh(), session.getToken()];
    await expect(session.getToken()).rejects.toMatchObject({ name: 'QueueFullError' });
    answer({ accessToken: 'new', expiresIn: 300 });
    await Promise.all(accepted);
    session.stop();
  });
});
