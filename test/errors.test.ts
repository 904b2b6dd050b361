import { describe, expect, it } from 'vitest';
import * as tokenflight from '../src/index.js';

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

  it('InvalidTokenError is a TypeError', () => {
    expect(new tokenflight.InvalidTokenError()).toBeInstanceOf(TypeError);
  });

  it('isTerminalError: rejected refresh tokens end the session, everything else is transient', () => {
    const { isTerminalError, RefreshRejectedError } = tokenflight;
    expect(isTerminalError(new RefreshRejectedError())).toBe(true);
    for (const status of [400, 401, 403]) {
      expect(isTerminalError({ status })).toBe(true);
      expect(isTerminalError({ response: { status } })).toBe(true);
    }
    for (const error of [new TypeError('fetch failed'), { status: 500 }, { response: { status: 503 } }, { status: '401' }, null, 'x', { response: null }]) {
      expect(isTerminalError(error)).toBe(false);
    }
  });
});
