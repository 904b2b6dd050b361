import type { TokenEndpointResponse } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createAuthSession, InvalidTokenError, receiveTokens, type TokenInput } from 'tokenflight';
import { refreshStub } from './support/refreshStub.js';

/** Refresh answers as RFC 6749 §5.1 writes them, beside tokenflight's camelCase. */

const NOW = 1_700_000_000_000;

describe('a token endpoint answer in RFC 6749 snake_case', () => {
  it('is taken as is: access and refresh token, expires_in, token_type and scope', () => {
    const answer = {
      access_token: 'at',
      refresh_token: 'rt',
      expires_in: 300,
      token_type: 'DPoP',
      scope: 'read write',
    };
    expect(receiveTokens(answer, NOW)).toEqual({
      tokens: {
        accessToken: 'at',
        refreshToken: 'rt',
        expiresAt: NOW + 300_000,
        tokenType: 'DPoP',
        scope: 'read write',
      },
      lifetime: 300_000,
    });
  });

  it('takes tokenType and scope in camelCase too, and leaves them null when the answer has none', () => {
    expect(receiveTokens({ accessToken: 'a', tokenType: 'Bearer', scope: 'read' }, NOW).tokens).toMatchObject({
      tokenType: 'Bearer',
      scope: 'read',
    });
    expect(receiveTokens({ access_token: 'a' }, NOW).tokens).toMatchObject({
      tokenType: null,
      scope: null,
      refreshToken: null,
      expiresAt: null,
    });
  });

  it('keeps the refresh token, token type and scope a refresh answer leaves out (unchanged, RFC 6749 §5.1)', () => {
    const previous = receiveTokens(
      { access_token: 'a', refresh_token: 'r', token_type: 'DPoP', scope: 'read' },
      NOW,
    ).tokens;
    expect(receiveTokens({ access_token: 'b', expires_in: 60 }, NOW, previous).tokens).toEqual({
      accessToken: 'b',
      refreshToken: 'r',
      expiresAt: NOW + 60_000,
      tokenType: 'DPoP',
      scope: 'read',
    });
    expect(
      receiveTokens({ access_token: 'b', token_type: 'Bearer', scope: 'openid' }, NOW, previous).tokens,
    ).toMatchObject({ tokenType: 'Bearer', scope: 'openid' });
  });

  it.each([
    [{ access_token: 5 }, 'access_token must be a non-empty string'],
    [{ access_token: '' }, 'access_token must be a non-empty string'],
    [{ access_token: 'secret-value', expires_in: 'soon' }, 'expires_in must be a non-negative number of seconds'],
    [{ access_token: 'secret-value', expires_in: '-5' }, 'expires_in must be a non-negative number of seconds'],
    [{ access_token: 'secret-value', refresh_token: 7 }, 'refresh_token must be a string or null'],
    [{ access_token: 'secret-value', token_type: 1 }, 'token_type must be a string or null'],
    [{ accessToken: 'secret-value', scope: ['read'] }, 'scope must be a string or null'],
  ])('refuses %j with an InvalidTokenError naming the field as the answer spelled it', (input, message) => {
    const error = (() => {
      try {
        receiveTokens(input, NOW);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toContain('secret-value');
  });

  it('type-checks an oauth4webapi token response and a camelCase set as TokenInput', () => {
    const fromOAuth: TokenEndpointResponse = { access_token: 'a', token_type: 'bearer', expires_in: 60 };
    const inputs: TokenInput[] = [fromOAuth, { accessToken: 'a', expiresIn: 60 }];
    expect(inputs.map((input) => receiveTokens(input, NOW).tokens.tokenType)).toEqual(['bearer', null]);
  });

  it('is what a session refreshes to when `refresh` returns the endpoint JSON as is', async () => {
    const stub = refreshStub();
    const session = createAuthSession({
      tokens: { access_token: 'a0', refresh_token: 'r0', expires_in: 600 },
      refresh: stub.refresh,
      tabLife: false,
    });
    const waiter = session.refresh();
    expect(stub.last().context.refreshToken).toBe('r0');
    stub
      .last()
      .answer.resolve({ access_token: 'a1', refresh_token: 'r1', expires_in: 600, token_type: 'Bearer', scope: 'api' });
    await expect(waiter).resolves.toMatchObject({
      accessToken: 'a1',
      refreshToken: 'r1',
      tokenType: 'Bearer',
      scope: 'api',
    });
    session.stop();
  });
});
