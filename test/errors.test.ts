import { describe, expect, it } from 'vitest';
import * as tokenflight from 'tokenflight';
import * as errors from 'tokenflight';
import { isTerminalError } from 'tokenflight';

const names = [
  'SessionExpiredError',
  'LoggedOutError',
  'QueueFullError',
  'RefreshTimeoutError',
  'WaitTimeoutError',
  'RefreshRejectedError',
  'InvalidTokenError',
  'ExpiredAnswerError',
] as const;

describe('errors', () => {
  it.each(names)('%s is exported with a stable name', (name) => {
    const ErrorClass = tokenflight[name] as new (...args: never[]) => Error;
    const error = new ErrorClass();
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('RefreshCooldownError says how long the cooldown is, and keeps the failure as its cause', () => {
    const failure = new TypeError('fetch failed');
    const error = new tokenflight.RefreshCooldownError(30_000, { cause: failure });
    expect(error.name).toBe('RefreshCooldownError');
    expect(error.cooldown).toBe(30_000);
    expect(error.message).toContain('30000 ms cooldown');
    expect(error.cause).toBe(failure);
  });

  it('have stable names, messages and fields', () => {
    expect(new errors.SessionExpiredError()).toMatchObject({
      name: 'SessionExpiredError',
      message: 'The session has expired; log in again',
    });
    expect(new errors.LoggedOutError()).toMatchObject({ name: 'LoggedOutError', message: 'The session is logged out' });
    expect(new errors.QueueFullError(3)).toMatchObject({
      name: 'QueueFullError',
      maxQueue: 3,
      message: 'The token queue is full (maxQueue: 3)',
    });
    expect(new errors.RefreshTimeoutError(50)).toMatchObject({
      name: 'RefreshTimeoutError',
      timeout: 50,
      message: 'The refresh took over 50 ms and was aborted',
    });
    expect(new errors.WaitTimeoutError(70)).toMatchObject({
      name: 'WaitTimeoutError',
      timeout: 70,
      message: 'Waited longer than 70 ms for a token',
    });
    expect(new errors.RefreshRejectedError()).toMatchObject({
      name: 'RefreshRejectedError',
      status: undefined,
      message: 'The refresh token was rejected',
    });
    expect(new errors.RefreshRejectedError('no', { status: 401, cause: 'x' })).toMatchObject({
      status: 401,
      cause: 'x',
      message: 'no',
    });
    // InvalidTokenError is one of tokenflight's errors (a TypeError before 0.2).
    const invalid = new errors.InvalidTokenError();
    expect(invalid).toBeInstanceOf(errors.TokenflightError);
    expect(invalid).toMatchObject({ name: 'InvalidTokenError', message: 'accessToken must be a non-empty string' });
    expect(new errors.SessionExpiredError('m', { cause: 1 }).cause).toBe(1);
    expect(new errors.LoggedOutError('m', { cause: 2 }).cause).toBe(2);
  });

  it('the OAuth errors have stable names and keep what the server said', async () => {
    const { TokenEndpointError, RevocationError, OAuthConfigurationError } = await import('tokenflight/oauth');
    const invalid = new errors.InvalidTokenError('expires_in must be a non-negative number of seconds');
    expect(new errors.InvalidRefreshAnswerError(invalid)).toMatchObject({
      name: 'InvalidRefreshAnswerError',
      cause: invalid,
    });
    const refused = new Error('server said no');
    expect(new OAuthConfigurationError('unauthorized_client', { cause: refused })).toMatchObject({
      name: 'OAuthConfigurationError',
      error: 'unauthorized_client',
      cause: refused,
    });
    expect(new TokenEndpointError('refused', { status: 400, error: 'invalid_grant', cause: refused })).toMatchObject({
      name: 'TokenEndpointError',
      status: 400,
      error: 'invalid_grant',
      cause: refused,
    });
    expect(new RevocationError('revocation failed', { status: 503 })).toMatchObject({
      name: 'RevocationError',
      status: 503,
      message: 'revocation failed',
    });
  });

  it('isTerminalError: rejected refresh tokens end the session, everything else is transient', () => {
    const { isTerminalError, RefreshRejectedError } = tokenflight;
    expect(isTerminalError(new RefreshRejectedError())).toBe(true);
    for (const status of [400, 401, 403]) {
      expect(isTerminalError({ status })).toBe(true);
      expect(isTerminalError({ response: { status } })).toBe(true);
    }
    for (const error of [
      new TypeError('fetch failed'),
      { status: 500 },
      { response: { status: 503 } },
      { status: '401' },
      null,
      'x',
      { response: null },
    ]) {
      expect(isTerminalError(error)).toBe(false);
    }
  });
});

describe('isTerminalError', () => {
  it.each([
    [new errors.RefreshRejectedError(), true],
    [{ status: 400 }, true],
    [{ status: 401 }, true],
    [{ status: 403 }, true],
    [{ response: { status: 401 } }, true],
    [{ status: 500 }, false],
    [{ status: '401' }, false],
    [{ response: { status: 503 } }, false],
    [{ response: null }, false],
    [{ response: 401 }, false],
    [new Error('network'), false],
    [null, false],
    ['401', false],
  ])('%o → %s', (error, terminal) => {
    expect(isTerminalError(error)).toBe(terminal);
  });
});

describe('TokenflightError, the common base', () => {
  it('is the base of every error class the library exports, each with its own stable name', async () => {
    const entries = await Promise.all([
      import('tokenflight'),
      import('tokenflight/oauth'),
      import('tokenflight/testing'),
    ]);
    // A function's `prototype` is typed any; read as unknown here.
    const classes = entries.flatMap((entry) =>
      Object.entries<unknown>(entry).filter(
        (pair): pair is [string, { prototype: unknown }] =>
          /^[A-Z]\w*Error$/.test(pair[0]) && typeof pair[1] === 'function',
      ),
    );
    expect(classes.length).toBeGreaterThan(12);
    const { TokenflightError } = entries[0];
    for (const [name, value] of classes) {
      if (value === TokenflightError) continue;
      expect(value.prototype, name).toBeInstanceOf(TokenflightError);
    }
  });

  it('instanceof holds for an error from another copy of the library (the ESM and the CJS build in one app), class by class', async () => {
    const { TokenflightError, SessionExpiredError, LoggedOutError } = await import('tokenflight');
    // What a second copy's classes are to this one: other functions with the same names.
    const copy = {
      TokenflightError: class TokenflightError extends Error {},
      SessionExpiredError: class SessionExpiredError extends Error {},
    };
    const copied = {
      SessionExpiredError: class SessionExpiredError extends copy.TokenflightError {},
    };
    const fromTheOtherCopy = new copied.SessionExpiredError();
    expect(fromTheOtherCopy).toBeInstanceOf(TokenflightError);
    expect(fromTheOtherCopy).toBeInstanceOf(SessionExpiredError);
    expect(fromTheOtherCopy).not.toBeInstanceOf(LoggedOutError);
    // The class name alone is not enough: it must stand on a TokenflightError.
    expect(new copy.SessionExpiredError()).not.toBeInstanceOf(SessionExpiredError);
    expect(new copy.SessionExpiredError()).not.toBeInstanceOf(TokenflightError);
    expect(new Error('x')).not.toBeInstanceOf(TokenflightError);
    expect(Object.create(null)).not.toBeInstanceOf(TokenflightError);
    // `instanceof` with a primitive on the left asks the same question.
    for (const value of [null, undefined, 'SessionExpiredError', 1])
      expect(TokenflightError[Symbol.hasInstance](value)).toBe(false);
    // This copy's own classes, as usual.
    expect(new SessionExpiredError()).toBeInstanceOf(TokenflightError);
    expect(new SessionExpiredError()).not.toBeInstanceOf(LoggedOutError);
  });
});
