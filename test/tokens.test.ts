import { describe, expect, it } from 'vitest';
import { isUsable, readJwtTimes, receiveTokens } from '../domain/tokens.js';

const jwt = (claims: object) =>
  `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('receiveTokens', () => {
  const now = 1_000_000;

  it('prefers expiresIn, then expiresAt, then the JWT, else unknown', () => {
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

  it('keeps the previous refresh token only when the answer has none', () => {
    expect(receiveTokens({ accessToken: 'a' }, now, 'old').tokens.refreshToken).toBe('old');
    expect(receiveTokens({ accessToken: 'a', refreshToken: null }, now, 'old').tokens.refreshToken).toBeNull();
    expect(receiveTokens({ accessToken: 'a', refreshToken: 'new' }, now, 'old').tokens.refreshToken).toBe('new');
  });

  it('names what is wrong with a bad token set', () => {
    expect(() => receiveTokens({ accessToken: 'a', refreshToken: 5 }, now)).toThrow(/refreshToken/);
    expect(() => receiveTokens({ accessToken: 'a', expiresIn: -1 }, now)).toThrow(/expiresIn/);
    expect(() => receiveTokens({ accessToken: 'a', expiresAt: Number.POSITIVE_INFINITY }, now)).toThrow(/expiresAt/);
    expect(() => receiveTokens('a', now)).toThrow(/object/);
  });
});

describe('readJwtTimes', () => {
  it('reads exp and iat and ignores anything that is not a JWT', () => {
    expect(readJwtTimes(jwt({ exp: 10, iat: 5 }))).toEqual({ exp: 10, iat: 5 });
    expect(readJwtTimes(jwt({ exp: 'soon' }))).toEqual({ exp: undefined, iat: undefined });
    expect(readJwtTimes('a.b')).toBeNull();
    expect(readJwtTimes('x.%%%.y')).toBeNull();
    expect(readJwtTimes(`x.${Buffer.from('"str"').toString('base64url')}.y`)).toBeNull();
  });
});

describe('isUsable', () => {
  it('accepts unknown expiry and future expiry only', () => {
    expect(isUsable(null, 0)).toBe(false);
    expect(isUsable({ accessToken: 'a', refreshToken: null, expiresAt: null, tokenType: null, scope: null }, 5)).toBe(true);
    expect(isUsable({ accessToken: 'a', refreshToken: null, expiresAt: 6, tokenType: null, scope: null }, 5)).toBe(true);
    expect(isUsable({ accessToken: 'a', refreshToken: null, expiresAt: 5, tokenType: null, scope: null }, 5)).toBe(false);
  });
});
