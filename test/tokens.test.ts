import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from 'tokenflight';
import { isUsable, readJwtTimes, receiveTokens } from '../domain/tokens.js';
import { base64url, jwt } from './support/jwt.js';

const NOW = 1_700_000_000_000;

describe('readJwtTimes', () => {
  it('reads exp and iat and ignores anything that is not a JWT', () => {
    expect(readJwtTimes(jwt({ exp: 10, iat: 5 }))).toEqual({ exp: 10, iat: 5 });
    expect(readJwtTimes(jwt({ exp: 'soon' }))).toEqual({ exp: undefined, iat: undefined });
    expect(readJwtTimes('a.b')).toBeNull();
    expect(readJwtTimes('x.%%%.y')).toBeNull();
    expect(readJwtTimes(`x.${Buffer.from('"str"').toString('base64url')}.y`)).toBeNull();
  });
  it('reads exp and iat from the payload', () => {
    expect(readJwtTimes(jwt({ exp: 200, iat: 100, sub: 'a' }))).toEqual({ exp: 200, iat: 100 });
  });
  it('reads payloads that need base64url characters and padding', () => {
    // '?>' encodes to '-'/'_' characters in base64url; lengths 1..3 mod 4 need padding.
    for (const sub of ['?>?', '??>>', '>>>>>', 'ÿÿ']) {
      expect(readJwtTimes(jwt({ exp: 5, sub }))).toEqual({ exp: 5, iat: undefined });
    }
  });
  it('ignores claims that are not finite numbers', () => {
    expect(readJwtTimes(jwt({ exp: '5', iat: null }))).toEqual({ exp: undefined, iat: undefined });
  });
  it.each([
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['an empty payload', 'a..c'],
    ['a payload that is not JSON', 'a.bm90IGpzb24.c'],
    ['a payload that is JSON null', `a.${base64url(null)}.c`],
    ['a payload that is a number', `a.${base64url(5)}.c`],
  ])('is null for %s', (_, token) => {
    expect(readJwtTimes(token)).toBeNull();
  });
  it('needs exactly three parts even when the payload reads', () => {
    const payload = base64url({ exp: 5 });
    expect(readJwtTimes(`h.${payload}.s.extra`)).toBeNull();
    expect(readJwtTimes(`h.${payload}.s`)).toEqual({ exp: 5, iat: undefined });
  });
});

describe('receiveTokens', () => {
  it.each([
    ['null', null],
    ['a string', 'token'],
    ['no accessToken', {}],
    ['an empty accessToken', { accessToken: '' }],
    ['a numeric accessToken', { accessToken: 5 }],
    ['a numeric refreshToken', { accessToken: 'a', refreshToken: 5 }],
    ['a negative expiresIn', { accessToken: 'a', expiresIn: -1 }],
    ['an infinite expiresIn', { accessToken: 'a', expiresIn: Infinity }],
    ['a non-numeric string expiresIn', { accessToken: 'a', expiresIn: '5s' }],
    ['a NaN expiresAt', { accessToken: 'a', expiresAt: NaN }],
  ])('refuses %s with InvalidTokenError', (_, input) => {
    expect(() => receiveTokens(input, NOW)).toThrow(InvalidTokenError);
  });

  it('names what is wrong', () => {
    expect(() => receiveTokens(null, NOW)).toThrow('accessToken must be a non-empty string');
    expect(() => receiveTokens('token', 0)).toThrow('accessToken must be a non-empty string');
    expect(() => receiveTokens({ accessToken: '' }, NOW)).toThrow('accessToken must be a non-empty string');
    expect(() => receiveTokens({ accessToken: 'a', refreshToken: 1 }, NOW)).toThrow(
      'refreshToken must be a string or null',
    );
    expect(() => receiveTokens({ accessToken: 'a', expiresIn: -1 }, NOW)).toThrow(
      'expiresIn must be a non-negative number of seconds',
    );
    expect(() => receiveTokens({ accessToken: 'a', expiresAt: NaN }, NOW)).toThrow(
      'expiresAt must be epoch milliseconds',
    );
  });

  it('reads camelCase when an answer has both spellings, and names camelCase fields when it has neither', () => {
    expect(
      receiveTokens({ accessToken: 'camel', access_token: 'snake', refresh_token: 'r-snake' }, NOW).tokens,
    ).toMatchObject({ accessToken: 'camel', refreshToken: null });
    expect(() => receiveTokens({}, NOW)).toThrow('accessToken must be a non-empty string');
    expect(() => receiveTokens({ refresh_token: 'r' }, NOW)).toThrow(/accessToken/);
  });

  it('names what is wrong with a bad token set', () => {
    expect(() => receiveTokens({ accessToken: 'a', refreshToken: 5 }, NOW)).toThrow(/refreshToken/);
    expect(() => receiveTokens({ accessToken: 'a', expiresIn: -1 }, NOW)).toThrow(/expiresIn/);
    expect(() => receiveTokens({ accessToken: 'a', expiresAt: Number.POSITIVE_INFINITY }, NOW)).toThrow(/expiresAt/);
    expect(() => receiveTokens('a', NOW)).toThrow('accessToken must be a non-empty string');
  });

  it('prefers expiresIn, then expiresAt, then the JWT, else unknown', () => {
    const now = 1_000_000;
    expect(receiveTokens({ accessToken: 'a', expiresIn: 60, expiresAt: 5 }, now)).toEqual({
      tokens: { accessToken: 'a', refreshToken: null, expiresAt: now + 60_000, tokenType: null, scope: null },
      lifetime: 60_000,
    });
    expect(receiveTokens({ accessToken: 'a', expiresAt: now + 10_000 }, now).tokens.expiresAt).toBe(now + 10_000);
    expect(receiveTokens({ accessToken: jwt({ iat: 1, exp: 301 }) }, now)).toMatchObject({
      tokens: { expiresAt: now + 300_000 },
      lifetime: 300_000,
    });
    expect(receiveTokens({ accessToken: jwt({ exp: 2_000 }) }, now).tokens.expiresAt).toBe(2_000_000);
    expect(receiveTokens({ accessToken: 'opaque' }, now)).toEqual({
      tokens: { accessToken: 'opaque', refreshToken: null, expiresAt: null, tokenType: null, scope: null },
      lifetime: null,
    });
  });

  it('reads a numeric string expires_in as its number, spaces around it allowed, and refuses any other string', () => {
    for (const [given, seconds] of [
      ['3600', 3600],
      [' 60 ', 60],
      ['1.5', 1.5],
      ['0', 0],
    ] as const) {
      expect(receiveTokens({ access_token: 'a', expires_in: given }, NOW).tokens.expiresAt).toBe(NOW + seconds * 1000);
    }
    for (const given of ['60s', 'x60', '-1', '1e3', '', ' ', '.5', '5.', '1.2.3', '0x10']) {
      expect(() => receiveTokens({ access_token: 'a', expires_in: given }, NOW), given).toThrow(
        'expires_in must be a non-negative number of seconds',
      );
    }
  });

  it('uses the JWT when expiresAt is null and nothing else says when the token ends', () => {
    expect(receiveTokens({ accessToken: jwt({ iat: 1, exp: 31 }), expiresAt: null }, NOW).tokens.expiresAt).toBe(
      NOW + 30_000,
    );
  });

  it('tells a fetch Response from tokens: json, text and clone methods and a numeric status', () => {
    expect(() => receiveTokens(new Response('{}'), NOW)).toThrow(
      'got a fetch Response, not tokens: return await response.json() (after checking response.ok)',
    );
    const methods = { json: () => null, text: () => null, clone: () => null };
    expect(() => receiveTokens({ ...methods, status: 200 }, NOW)).toThrow('got a fetch Response');
    // Short of any of those, it is an answer without an accessToken, and named so.
    for (const missing of ['json', 'text', 'clone']) {
      const rest = Object.fromEntries(Object.entries(methods).filter(([name]) => name !== missing));
      expect(() => receiveTokens({ ...rest, status: 200 }, NOW), missing).toThrow(
        'accessToken must be a non-empty string',
      );
    }
    expect(() => receiveTokens({ ...methods, status: '200' }, NOW)).toThrow('accessToken must be a non-empty string');
  });

  it('prefers expiresIn, measured from now', () => {
    expect(receiveTokens({ accessToken: 'a', refreshToken: 'r', expiresIn: 60, expiresAt: 1 }, NOW)).toEqual({
      tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: NOW + 60_000, tokenType: null, scope: null },
      lifetime: 60_000,
    });
    expect(receiveTokens({ accessToken: 'a', expiresIn: 0 }, NOW).lifetime).toBe(0);
  });

  it('takes expiresAt as is, with the lifetime left (never negative)', () => {
    expect(receiveTokens({ accessToken: 'a', expiresAt: NOW + 5_000 }, NOW)).toEqual({
      tokens: { accessToken: 'a', refreshToken: null, expiresAt: NOW + 5_000, tokenType: null, scope: null },
      lifetime: 5_000,
    });
    expect(receiveTokens({ accessToken: 'a', expiresAt: NOW - 5_000 }, NOW).lifetime).toBe(0);
  });

  it('keeps the previous refresh token only when the answer has none', () => {
    expect(receiveTokens({ accessToken: 'a' }, NOW, 'old').tokens.refreshToken).toBe('old');
    expect(receiveTokens({ accessToken: 'a', refreshToken: null }, NOW, 'old').tokens.refreshToken).toBeNull();
    expect(receiveTokens({ accessToken: 'a', refreshToken: 'new' }, NOW, 'old').tokens.refreshToken).toBe('new');
    expect(receiveTokens({ accessToken: 'a' }, NOW).tokens.refreshToken).toBeNull();
  });

  it('reads a JWT: exp - iat is the lifetime, counted from the local clock', () => {
    expect(receiveTokens({ accessToken: jwt({ iat: 1000, exp: 1060 }) }, NOW)).toMatchObject({
      tokens: { expiresAt: NOW + 60_000 },
      lifetime: 60_000,
    });
    expect(receiveTokens({ accessToken: jwt({ iat: 1060, exp: 1000 }) }, NOW)).toMatchObject({
      lifetime: 0,
      tokens: { expiresAt: NOW },
    });
  });

  it('reads a JWT with exp only as an absolute expiry', () => {
    const exp = NOW / 1000 + 30;
    expect(receiveTokens({ accessToken: jwt({ exp }) }, NOW)).toMatchObject({
      tokens: { expiresAt: exp * 1000 },
      lifetime: 30_000,
    });
    expect(receiveTokens({ accessToken: jwt({ exp: NOW / 1000 - 30 }) }, NOW).lifetime).toBe(0);
  });

  it('has no expiry for an opaque token, or a JWT with iat only', () => {
    expect(receiveTokens({ accessToken: 'opaque' }, NOW)).toEqual({
      tokens: { accessToken: 'opaque', refreshToken: null, expiresAt: null, tokenType: null, scope: null },
      lifetime: null,
    });
    expect(receiveTokens({ accessToken: jwt({ iat: 5 }) }, NOW).tokens.expiresAt).toBeNull();
  });
});

describe('isUsable', () => {
  it('needs tokens that have not expired yet', () => {
    expect(isUsable(null, NOW)).toBe(false);
    expect(isUsable({ accessToken: 'a', refreshToken: null, expiresAt: null, tokenType: null, scope: null }, NOW)).toBe(
      true,
    );
    expect(
      isUsable({ accessToken: 'a', refreshToken: null, expiresAt: NOW + 1, tokenType: null, scope: null }, NOW),
    ).toBe(true);
    expect(isUsable({ accessToken: 'a', refreshToken: null, expiresAt: NOW, tokenType: null, scope: null }, NOW)).toBe(
      false,
    );
  });
});
