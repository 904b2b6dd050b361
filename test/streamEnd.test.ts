/**
 * What a long-lived stream (tokenflight/sse, tokenflight/graphql-ws) learns when the session
 * behind it ends: which error it stops with, and that it stops watching when told to. The two
 * transports are tested against real servers (sse.test.ts, graphqlWs.test.ts); this is their
 * shared core, fast enough for the mutation run.
 */
import { describe, expect, it, vi } from 'vitest';
import { LoggedOutError } from 'tokenflight';
import { RefreshRejectedError } from 'tokenflight';
import { SessionExpiredError } from 'tokenflight';
import {
  endedSessionError,
  isSessionEnd,
  watchSessionEnd,
  type SessionEndError,
} from '../src/adapter-core/sessionEnd.js';
import { A0, useSessions } from './support/session.js';

const session = useSessions({ random: () => 0.5 });
const rejected = () => Promise.reject(new RefreshRejectedError('refresh token revoked', { status: 400 }));

describe('the end of a session, as a stream sees it', () => {
  it('counts only an expired session and a logout as an end', () => {
    expect(isSessionEnd(new SessionExpiredError())).toBe(true);
    expect(isSessionEnd(new LoggedOutError())).toBe(true);
    expect(isSessionEnd(new Error('network'))).toBe(false);
    expect(isSessionEnd(new RefreshRejectedError())).toBe(false);
    expect(isSessionEnd(undefined)).toBe(false);
  });

  it('names why a session holds no token now, and nothing while it has one', async () => {
    const user = session({ refresh: rejected });
    expect(endedSessionError(user)).toBeInstanceOf(LoggedOutError);
    user.login(A0);
    expect(endedSessionError(user)).toBeNull();
    await user.refresh().catch(() => {});
    expect(user.status).toBe('expired');
    expect(endedSessionError(user)).toBeInstanceOf(SessionExpiredError);
  });

  it('is told once when the session expires, with the reason as cause', async () => {
    const user = session({ refresh: rejected, tokens: A0 });
    const onEnd = vi.fn<(error: SessionEndError) => void>();
    watchSessionEnd(user, onEnd);
    await user.refresh().catch(() => {});
    expect(onEnd).toHaveBeenCalledOnce();
    const [error] = onEnd.mock.calls[0]!;
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(error.cause).toBeInstanceOf(RefreshRejectedError);
  });

  it('is told when the user logs out, and not after it stopped watching', () => {
    const user = session({ refresh: rejected, tokens: A0 });
    const onEnd = vi.fn();
    const stop = watchSessionEnd(user, onEnd);
    user.logout();
    expect(onEnd).toHaveBeenCalledOnce();
    expect(onEnd.mock.calls[0]![0]).toBeInstanceOf(LoggedOutError);
    stop();
    user.login(A0);
    user.logout();
    expect(onEnd).toHaveBeenCalledOnce();
  });

  it('stops watching expiry too', async () => {
    const user = session({ refresh: rejected, tokens: A0 });
    const onEnd = vi.fn();
    watchSessionEnd(user, onEnd)();
    await user.refresh().catch(() => {});
    expect(user.status).toBe('expired');
    expect(onEnd).not.toHaveBeenCalled();
  });
});
