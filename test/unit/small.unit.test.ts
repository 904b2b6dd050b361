import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, createDelays, effectiveMargin } from '../../machines/delays.js';
import { clampDelay, MAX_DELAY } from '../../domain/time.js';
import type { AuthContext } from '../../machines/authSessionTypes.js';
import { initialContext } from '../../machines/authSession.js';
import * as errors from '../../domain/errors/index.js';
import { isTerminalError } from '../../domain/isTerminalError.js';
import { createOriginAllowList, pageBase } from '../../src/origins.js';
import { memoryStorage, webStorage } from '../../src/storage.js';

const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: 5, tokenType: null, scope: null };

describe('memoryStorage', () => {
  it('holds what it was given', () => {
    expect(memoryStorage().load()).toBeNull();
    const storage = memoryStorage(tokens);
    expect(storage.load()).toBe(tokens);
    storage.save(null);
    expect(storage.load()).toBeNull();
  });
});

function fakeWebStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  } as unknown as Storage & { items: Map<string, string> };
}

describe('webStorage', () => {
  it('saves under the key, loads it back and removes it on null', () => {
    const backing = fakeWebStorage();
    const storage = webStorage(backing);
    storage.save(tokens);
    expect(backing.items.get('tokenflight')).toBe(JSON.stringify(tokens));
    expect(storage.load()).toEqual(tokens);
    storage.save(null);
    expect(backing.items.has('tokenflight')).toBe(false);
    expect(storage.load()).toBeNull();
  });

  it('looks the storage up lazily and honours a custom key', () => {
    const backing = fakeWebStorage();
    const lookup = vi.fn(() => backing);
    const storage = webStorage(lookup, 'mine');
    expect(lookup).not.toHaveBeenCalled();
    storage.save(tokens);
    expect(backing.items.has('mine')).toBe(true);
  });

  it.each([
    ['corrupt JSON', '{'],
    ['a non-object', '5'],
    ['JSON null', 'null'],
    ['no accessToken', JSON.stringify({ refreshToken: null, expiresAt: null })],
    ['a numeric refreshToken', JSON.stringify({ accessToken: 'a', refreshToken: 1, expiresAt: null })],
    ['a missing refreshToken', JSON.stringify({ accessToken: 'a', expiresAt: null })],
    ['a string expiresAt', JSON.stringify({ accessToken: 'a', refreshToken: null, expiresAt: '5' })],
    ['a missing expiresAt', JSON.stringify({ accessToken: 'a', refreshToken: null })],
  ])('reads %s as no tokens', (_, raw) => {
    expect(webStorage(fakeWebStorage({ tokenflight: raw })).load()).toBeNull();
  });

  it('accepts null refresh token and expiry', () => {
    const stored = { accessToken: 'a', refreshToken: null, expiresAt: null };
    // Written before tokenType and scope existed: both load as null.
    expect(webStorage(fakeWebStorage({ tokenflight: JSON.stringify(stored) })).load()).toEqual({ ...stored, tokenType: null, scope: null });
  });

  it('never throws when the storage does', () => {
    const broken = webStorage(() => {
      throw new Error('SecurityError');
    });
    expect(broken.load()).toBeNull();
    expect(() => broken.save(tokens)).not.toThrow();
    expect(() => broken.save(null)).not.toThrow();
  });
});

describe('createOriginAllowList', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('allows exact origins only', () => {
    const allowed = createOriginAllowList(['https://api.example.com/some/path']);
    expect(allowed(new URL('https://api.example.com/x'))).toBe(true);
    expect(allowed(new URL('http://api.example.com/x'))).toBe(false);
    expect(allowed(new URL('https://api.example.com:8443/x'))).toBe(false);
    expect(allowed(new URL('https://evil.example.com/x'))).toBe(false);
  });

  it('refuses what is not an origin', () => {
    expect(() => createOriginAllowList(['api.example.com'])).toThrow(
      new TypeError('tokenflight: "api.example.com" is not an origin (expected e.g. https://api.example.com)'),
    );
    expect(() => createOriginAllowList(['data:text/plain,x'])).toThrow(
      new TypeError('tokenflight: "data:text/plain,x" has no origin that can receive a token'),
    );
  });

  it("defaults to the page's origin in a browser and to nothing elsewhere", () => {
    expect(createOriginAllowList(undefined)(new URL('http://localhost/'))).toBe(false);
    vi.stubGlobal('location', { origin: 'http://localhost:5173', href: 'http://localhost:5173/app' });
    expect(createOriginAllowList(undefined)(new URL('http://localhost:5173/api'))).toBe(true);
    expect(pageBase()).toBe('http://localhost:5173/app');
    vi.stubGlobal('location', { origin: 'null' });
    expect(createOriginAllowList(undefined)(new URL('http://localhost/'))).toBe(false);
    expect(pageBase()).toBeUndefined();
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

describe('errors', () => {
  it('have stable names, messages and fields', () => {
    expect(new errors.SessionExpiredError()).toMatchObject({ name: 'SessionExpiredError', message: 'The session has expired; log in again' });
    expect(new errors.LoggedOutError()).toMatchObject({ name: 'LoggedOutError', message: 'The session is logged out' });
    expect(new errors.QueueFullError(3)).toMatchObject({ name: 'QueueFullError', maxQueue: 3, message: 'The token queue is full (maxQueue: 3)' });
    expect(new errors.RefreshTimeoutError(50)).toMatchObject({
      name: 'RefreshTimeoutError',
      timeout: 50,
      message: 'The token refresh took longer than 50 ms and was aborted',
    });
    expect(new errors.WaitTimeoutError(70)).toMatchObject({ name: 'WaitTimeoutError', timeout: 70, message: 'Waited longer than 70 ms for a token' });
    expect(new errors.RefreshRejectedError()).toMatchObject({ name: 'RefreshRejectedError', status: undefined, message: 'The refresh token was rejected' });
    expect(new errors.RefreshRejectedError('no', { status: 401, cause: 'x' })).toMatchObject({ status: 401, cause: 'x', message: 'no' });
    const invalid = new errors.InvalidTokenError();
    expect(invalid).toBeInstanceOf(TypeError);
    expect(invalid).toMatchObject({ name: 'InvalidTokenError', message: 'A token set needs a string accessToken' });
    expect(new errors.SessionExpiredError('m', { cause: 1 }).cause).toBe(1);
    expect(new errors.LoggedOutError('m', { cause: 2 }).cause).toBe(2);
  });
});

const context = (over: Partial<AuthContext> = {}): AuthContext => ({
  ...initialContext({
    refreshMargin: 60_000,
    heartbeatInterval: 5_000,
    refreshTimeout: 7_000,
    retries: 3,
    minDelay: 1_000,
    maxDelay: 8_000,
    maxQueue: 10,
    failureCooldown: 30_000,
  }),
  ...over,
});

describe('delays', () => {
  it('clamps to what setTimeout can wait', () => {
    expect(clampDelay(NaN)).toBe(0);
    expect(clampDelay(-5)).toBe(0);
    expect(clampDelay(5)).toBe(5);
    expect(clampDelay(2 ** 40)).toBe(MAX_DELAY);
    expect(MAX_DELAY).toBe(2_147_483_647);
  });

  it('caps the margin at half the lifetime', () => {
    expect(effectiveMargin(context())).toBe(60_000);
    expect(effectiveMargin(context({ lifetime: 30_000 }))).toBe(15_000);
    expect(effectiveMargin(context({ lifetime: 600_000 }))).toBe(60_000);
  });

  it('backs off exponentially with equal jitter, up to maxDelay', () => {
    expect(backoffDelay(1, 1_000, 8_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1_000, 8_000, () => 1)).toBe(1_000);
    expect(backoffDelay(2, 1_000, 8_000, () => 0.5)).toBe(1_500);
    expect(backoffDelay(3, 1_000, 8_000, () => 0)).toBe(2_000);
    expect(backoffDelay(10, 1_000, 8_000, () => 1)).toBe(8_000);
    expect(backoffDelay(0, 1_000, 8_000, () => 1)).toBe(1_000);
  });

  it('schedules the proactive refresh a margin before expiry, later while cooling down', () => {
    const delays = createDelays(() => 1_000, () => 0.5);
    const tokens = { accessToken: 'a', refreshToken: null, expiresAt: 601_000, tokenType: null, scope: null };
    expect(delays.refreshDue({ context: context() })).toBe(MAX_DELAY);
    expect(delays.refreshDue({ context: context({ tokens: { ...tokens, expiresAt: null } }) })).toBe(MAX_DELAY);
    expect(delays.refreshDue({ context: context({ tokens, lifetime: 600_000 }) })).toBe(540_000);
    expect(delays.refreshDue({ context: context({ tokens: { ...tokens, expiresAt: 2_000 }, lifetime: 600_000 }) })).toBe(0);
    expect(delays.refreshDue({ context: context({ tokens: { ...tokens, expiresAt: 2_000 }, coolingDown: true }) })).toBe(30_000);
    expect(delays.refreshDue({ context: context({ tokens, lifetime: 600_000, coolingDown: true }) })).toBe(540_000);
  });

  it('reads the other delays from the config', () => {
    const delays = createDelays(() => 0, () => 0);
    expect(delays.heartbeatInterval({ context: context() })).toBe(5_000);
    const noHeartbeat = context();
    noHeartbeat.config.heartbeatInterval = null;
    expect(delays.heartbeatInterval({ context: noHeartbeat })).toBe(MAX_DELAY);
    expect(delays.refreshTimeout({ context: context() })).toBe(7_000);
    expect(delays.retryDelay({ context: context({ attempt: 2 }) })).toBe(1_000);
    expect(createDelays(() => 0).retryDelay({ context: context({ attempt: 1 }) })).toBeGreaterThanOrEqual(500);
  });
});
