import { describe, expect, it, vi } from 'vitest';
import { createAuthSession, type AuthSessionOptions } from 'tokenflight';
import { refreshingSession } from './support/session.js';

describe('createAuthSession options', () => {
  it('needs a refresh function and sane numbers', () => {
    expect(() => createAuthSession({} as AuthSessionOptions)).toThrow(TypeError);
    expect(() => createAuthSession({ refresh: vi.fn(), maxQueue: 0 })).toThrow(RangeError);
    expect(() => createAuthSession({ refresh: vi.fn(), refreshMargin: Number.NaN })).toThrow(RangeError);
    expect(() => createAuthSession({ refresh: vi.fn(), retry: { retries: -1 } })).toThrow(/retry\.retries/);
  });

  it('needs a refresh function', () => {
    expect(() => createAuthSession({} as AuthSessionOptions)).toThrow(
      new TypeError('tokenflight: refresh must be a function'),
    );
    expect(() => createAuthSession(undefined as unknown as AuthSessionOptions)).toThrow(TypeError);
    // createAuthSession() without options says what it needs.
    expect(() => createAuthSession(undefined as unknown as AuthSessionOptions)).toThrow(
      'tokenflight: refresh must be a function',
    );
  });

  it.each([
    ['refreshMargin', { refreshMargin: -1 }, 'refreshMargin must be a number >= 0, got -1'],
    ['refreshTimeout', { refreshTimeout: 0 }, 'refreshTimeout must be a number >= 1, got 0'],
    [
      'heartbeatInterval',
      { heartbeat: async () => true, heartbeatInterval: 0 },
      'heartbeatInterval must be a number >= 1, got 0',
    ],
    ['retry.retries', { retry: { retries: NaN } }, 'retry.retries must be a number >= 0, got NaN'],
    ['retry.minDelay', { retry: { minDelay: -1 } }, 'retry.minDelay must be a number >= 0, got -1'],
    [
      'retry.maxDelay',
      { retry: { maxDelay: '5' as unknown as number } },
      'retry.maxDelay must be a number >= 0, got "5"',
    ],
    ['maxQueue', { maxQueue: 0 }, 'maxQueue must be a number >= 1, got 0'],
    ['failureCooldown', { failureCooldown: -1 }, 'failureCooldown must be a number >= 0, got -1'],
    ['waitTimeout', { waitTimeout: 0 }, 'waitTimeout must be a number >= 1, got 0'],
  ])('refuses a bad %s', (_, options, message) => {
    expect(() => refreshingSession(options as Partial<AuthSessionOptions>)).toThrow(
      new RangeError(`tokenflight: ${message}`),
    );
  });

  it('fills in defaults and floors counts', () => {
    const { session: s } = refreshingSession({ retry: { retries: 2.7 }, maxQueue: 1.5 });
    expect(s.actor.getSnapshot().context.config).toEqual({
      proactiveRefresh: true,
      refreshMargin: 60_000,
      heartbeatInterval: null,
      refreshTimeout: 10_000,
      retries: 2,
      minDelay: 1_000,
      maxDelay: 30_000,
      maxQueue: 1,
      failureCooldown: 30_000,
    });
    const withHeartbeat = refreshingSession({ heartbeat: async () => true });
    expect(withHeartbeat.session.actor.getSnapshot().context.config.heartbeatInterval).toBe(300_000);
  });
});
