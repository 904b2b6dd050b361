// Bad oauth() options fail at creation with a clear error, never as a failed refresh later.
import { describe, expect, it } from 'vitest';
import { oauth, type OAuthOptions } from '../src/oauth/index.js';

describe('oauth() options', () => {
  it.each<[string, unknown, RegExp]>([
    ['no clientId', { issuer: 'https://op.example' }, /clientId must be a non-empty string/],
    ['neither issuer nor endpoints', { clientId: 'spa' }, /either issuer \(discovery\) or endpoints/],
    [
      'both issuer and endpoints',
      { clientId: 'spa', issuer: 'https://op.example', endpoints: { token: 'https://op.example/token' } },
      /either issuer/,
    ],
    ['a relative issuer', { clientId: 'spa', issuer: '/op' }, /issuer must be an absolute URL/],
    [
      'a bad token endpoint',
      { clientId: 'spa', endpoints: { token: 'nope' } },
      /endpoints.token must be an absolute URL/,
    ],
    [
      'dpop of the wrong type',
      { clientId: 'spa', issuer: 'https://op.example', dpop: 'yes' },
      /dpop must be true, false or/,
    ],
  ])('%s is a TypeError', (_, options, message) => {
    expect(() => oauth(options as OAuthOptions)).toThrow(TypeError);
    expect(() => oauth(options as OAuthOptions)).toThrow(message);
  });

  it('a timeout that is not a positive number is a RangeError', () => {
    expect(() => oauth({ clientId: 'spa', issuer: 'https://op.example', timeout: 0 })).toThrow(RangeError);
  });

  it('a refresh without a refresh token is refused at once, terminally, without a request', async () => {
    let requests = 0;
    const op = oauth({
      clientId: 'spa',
      endpoints: { token: 'https://op.example/token' },
      fetch: async () => (requests++, new Response()),
    });

    const refusal = op.refresh({ refreshToken: null, tokens: null, signal: new AbortController().signal });

    await expect(refusal).rejects.toMatchObject({ name: 'RefreshRejectedError' });
    expect(requests).toBe(0);
  });

  it('a non-DPoP client gives the session no scheme: it keeps Bearer', () => {
    const op = oauth({ clientId: 'spa', issuer: 'https://op.example' });
    const parts = op.setup({ storage: undefined, refreshTimeout: 1, isTerminal: () => false, now: Date.now });

    expect(parts.scheme).toBeUndefined();
    expect(parts.loggedOut).toEqual(expect.any(Function));
  });
});
