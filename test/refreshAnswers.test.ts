import { describe, expect, it, vi } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { receiveTokens } from 'tokenflight';
import { NOW, useFakeClock } from './support/session.js';

// Refresh answers a user is likely to get wrong, and what the session says about them.
useFakeClock();

const expiredToken = { accessToken: 'a0', refreshToken: 'r0', expiresIn: 0 };

/** A session whose only token is dead, so the first request runs `refresh`; what the caller and the `expired` event got. */
async function endedBy(refresh: () => Promise<unknown>) {
  const session: AuthSession = createAuthSession({ refresh: refresh as never, tokens: expiredToken });
  const expired = vi.fn();
  session.on('expired', expired);
  const caught = await session.getToken().catch((error: unknown) => error);
  session.stop();
  return { caught: caught as Error, event: expired.mock.calls[0]?.[0] as { error: Error } | undefined };
}

describe('refresh answers', () => {
  it('a fetch Response returned by mistake is named, and the error says to return await response.json()', async () => {
    const { caught, event } = await endedBy(async () => new Response(JSON.stringify({ access_token: 'a1' })));
    expect(caught.name).toBe('SessionExpiredError');
    expect(caught.message).toBe(
      'The session has expired (InvalidRefreshAnswerError: Invalid refresh answer: got a fetch Response, not tokens: ' +
        'return await response.json() (after checking response.ok)); log in again',
    );
    expect(event?.error.message).toBe(
      'Invalid refresh answer: got a fetch Response, not tokens: return await response.json() (after checking response.ok)',
    );
  });

  it('expires_in as a numeric string ("3600") is read as seconds', async () => {
    const session = createAuthSession({
      refresh: async () => ({ access_token: 'a1', expires_in: '3600' }) as never,
      tokens: expiredToken,
    });
    await expect(session.getToken()).resolves.toMatchObject({ accessToken: 'a1', expiresAt: NOW + 3_600_000 });
    session.stop();
    expect(receiveTokens({ accessToken: 'a', expiresIn: ' 90.5 ' as never }, NOW).tokens.expiresAt).toBe(NOW + 90_500);
  });

  it('an answer that ends the session: the caller is told why in the message, not only in cause', async () => {
    const { caught, event } = await endedBy(async () => ({ token: 'a1' }));
    expect(caught.message).toBe(
      'The session has expired (InvalidRefreshAnswerError: Invalid refresh answer: accessToken must be a non-empty string); log in again',
    );
    expect(caught.cause).toBe(event?.error);
    expect(event?.error.name).toBe('InvalidRefreshAnswerError');
  });
});
