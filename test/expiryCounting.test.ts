import { describe, expect, it } from 'vitest';
import { createAuthSession, receiveTokens, type TokenInput } from 'tokenflight';
import { jwt } from './support/jwt.js';

/**
 * How expiry is counted: from when the refresh was sent, by the client's clock, so a late answer
 * is not installed as fresh and a wrong client clock (10 minutes fast or slow) changes nothing.
 */

const T0 = Date.UTC(2026, 0, 1);
const MINUTES = 60_000;

describe('receiveTokens with the time the refresh was sent', () => {
  it('counts expires_in from when the request was sent, and the lifetime left from when it arrived', () => {
    const received = receiveTokens({ access_token: 'a', expires_in: 10 }, { sentAt: T0, receivedAt: T0 + 4_000 });
    expect(received.tokens.expiresAt).toBe(T0 + 10_000);
    expect(received.lifetime).toBe(6_000);
  });

  it('calls an answer that arrives after its expiry dead on arrival (lifetime 0)', () => {
    expect(receiveTokens({ access_token: 'a', expires_in: 3 }, { sentAt: T0, receivedAt: T0 + 3_500 }).lifetime).toBe(
      0,
    );
  });

  it('bounds expires_in by a JWT access token’s exp − iat', () => {
    const accessToken = jwt({ iat: 1_000, exp: 1_300 });
    expect(receiveTokens({ accessToken, expiresIn: 3_600 }, { sentAt: T0, receivedAt: T0 }).tokens.expiresAt).toBe(
      T0 + 300_000,
    );
    expect(receiveTokens({ accessToken, expiresIn: 60 }, { sentAt: T0, receivedAt: T0 }).tokens.expiresAt).toBe(
      T0 + 60_000,
    );
  });

  it('keeps an explicit expiresAt (stored tokens) over the JWT’s lifetime', () => {
    const accessToken = jwt({ iat: 1_000, exp: 1_300 });
    expect(receiveTokens({ accessToken, expiresAt: T0 + 5_000 }, T0 + 1_000).tokens.expiresAt).toBe(T0 + 5_000);
  });

  it('reads a JWT with exp and no iat as is: the one case that assumes the clocks agree', () => {
    expect(receiveTokens({ accessToken: jwt({ exp: 2_000 }) }, { sentAt: T0, receivedAt: T0 }).tokens.expiresAt).toBe(
      2_000_000,
    );
  });
});

/**
 * A session whose clock is `skew` ms off the server's, and whose refresh answer takes `transit`
 * ms to come back. The server mints a 5-minute JWT when the request reaches it.
 */
function skewedSession(skew: number, transit: number, answer: (iat: number, exp: number) => TokenInput) {
  let client = T0;
  const serverNow = () => client - skew;
  const refresh = async () => {
    client += transit / 2;
    const iat = Math.floor(serverNow() / 1000);
    const input = answer(iat, iat + 300);
    client += transit / 2;
    return input;
  };
  const session = createAuthSession({
    tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 60 },
    refresh,
    now: () => client,
    tabLife: false,
  });
  return { session, sentAt: T0 };
}

describe.each([
  ['10 minutes fast', 10 * MINUTES],
  ['on time', 0],
  ['10 minutes slow', -10 * MINUTES],
])('a client clock %s', (_, skew) => {
  it('holds a refreshed JWT (exp, iat, no expires_in) for exp − iat from when the refresh was sent', async () => {
    const { session, sentAt } = skewedSession(skew, 2_000, (iat, exp) => ({
      access_token: jwt({ iat, exp }),
      token_type: 'Bearer',
    }));
    const tokens = await session.refresh();
    expect(tokens.expiresAt).toBe(sentAt + 300_000);
    expect(session.status).toBe('idle');
    session.stop();
  });

  it('takes the shorter of expires_in and exp − iat, from when the refresh was sent', async () => {
    const { session, sentAt } = skewedSession(skew, 2_000, (iat, exp) => ({
      access_token: jwt({ iat, exp }),
      expires_in: 3_600,
    }));
    expect((await session.refresh()).expiresAt).toBe(sentAt + 300_000);
    session.stop();
  });
});
