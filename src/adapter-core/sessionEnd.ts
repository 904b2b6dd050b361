import type { AuthSession } from '../session/createAuthSession.js';
import { LoggedOutError } from '../../domain/errors/LoggedOutError.js';
import { SessionExpiredError } from '../../domain/errors/SessionExpiredError.js';

/** Why a long-lived connection stopped for good: the session behind it ended. */
export type SessionEndError = SessionExpiredError | LoggedOutError;

export function isSessionEnd(error: unknown): error is SessionEndError {
  return error instanceof SessionExpiredError || error instanceof LoggedOutError;
}

/** The error for a session that holds no token now, or null while it still has one. */
export function endedSessionError(session: AuthSession): SessionEndError | null {
  if (session.status === 'expired') return new SessionExpiredError();
  if (session.status === 'loggedOut') return new LoggedOutError();
  return null;
}

/**
 * Calls `onEnd` once, when the session expires or logs out (here or in another tab);
 * returns the function that stops watching.
 */
export function watchSessionEnd(session: AuthSession, onEnd: (error: SessionEndError) => void): () => void {
  const stops = [
    session.on('expired', (event) => onEnd(new SessionExpiredError(undefined, { cause: event.error }))),
    session.on('logout', () => onEnd(new LoggedOutError())),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
