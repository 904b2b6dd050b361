// Bad oauth() options fail at creation with a clear error, never as a failed refresh later.
import { describe, expect, it } from 'vitest';
import { oauth, type OAuthOptions } from 'tokenflight/oauth';

describe('oauth() options', () => {
  it.each<[string, unknown, string]>([
    ['not an object', 'spa', 'oauth\'s options must be an object, got "spa"'],
    ['no clientId', { issuer: 'https://op.example' }, 'clientId must be a non-empty string, got undefined'],
    [
      'neither issuer nor endpoints',
      { clientId: 'spa' },
      'issuer or endpoints must be given (issuer for discovery, or endpoints: { token, revocation? }), got neither',
    ],
    [
      'both issuer and endpoints',
      { clientId: 'spa', issuer: 'https://op.example', endpoints: { token: 'https://op.example/token' } },
      'issuer or endpoints must be given (issuer for discovery, or endpoints: { token, revocation? }), got both',
    ],
    ['a relative issuer', { clientId: 'spa', issuer: '/op' }, 'issuer must be an absolute URL, got "/op"'],
    [
      'a bad token endpoint',
      { clientId: 'spa', endpoints: { token: 'nope' } },
      'endpoints.token must be an absolute URL, got "nope"',
    ],
    [
      'dpop of the wrong type',
      { clientId: 'spa', issuer: 'https://op.example', dpop: 'yes' },
      'dpop must be true, false or { keyStore?, algorithm? }, got "yes"',
    ],
    [
      'a fetch that is not a function',
      { clientId: 'spa', issuer: 'https://op.example', fetch: 'fetch' },
      'fetch must be a function, got "fetch"',
    ],
    [
      'an onError that is not a function',
      { clientId: 'spa', issuer: 'https://op.example', onError: true },
      'onError must be a function, got true',
    ],
    [
      'a clientAuth that is not a function',
      { clientId: 'spa', issuer: 'https://op.example', clientAuth: 'none' },
      'clientAuth must be a function, got "none"',
    ],
    [
      'allowInsecureRequests as a string',
      { clientId: 'spa', issuer: 'https://op.example', allowInsecureRequests: 'yes' },
      'allowInsecureRequests must be true or false, got "yes"',
    ],
    [
      'clientMetadata that is not an object',
      { clientId: 'spa', issuer: 'https://op.example', clientMetadata: 'ES256' },
      'clientMetadata must be an object, got "ES256"',
    ],
  ])('%s is a TypeError that says what it must be', (_, options, message) => {
    expect(() => oauth(options as OAuthOptions)).toThrow(new TypeError(`tokenflight: ${message}`));
  });

  it('the login and logout calls refuse a session the client is no plugin of, and bad login options', async () => {
    const { createAuthSession } = await import('tokenflight');
    const op = oauth({ clientId: 'spa', issuer: 'https://op.example', redirectUri: 'https://app.example/cb' });
    const stranger = createAuthSession({ refresh: op.refresh });
    const own = createAuthSession({ refresh: op.refresh, plugins: [op] });
    const message = 'tokenflight/oauth: session must be the one created with plugins: [op], got another';
    await expect(op.handleRedirectCallback(stranger)).rejects.toThrow(message);
    await expect(op.logoutAtProvider(stranger)).rejects.toThrow(message);
    expect(() => op.loginWithPopup(stranger)).toThrow(message);
    expect(() => op.loginWithPopup(own, { timeout: -1 })).toThrow(
      'tokenflight/oauth: timeout must be a number > 0, got -1',
    );
    await expect(op.loginWithRedirect({ prompt: 1 } as never)).rejects.toThrow(
      'tokenflight/oauth: prompt must be a string, got number',
    );
    expect(() => op.subscribeUser('listener' as never)).toThrow(
      'tokenflight/oauth: listener must be a function, got string',
    );
    stranger.stop();
    own.stop();
  });

  it('a timeout that is not a positive number is a RangeError', () => {
    expect(() => oauth({ clientId: 'spa', issuer: 'https://op.example', timeout: 0 })).toThrow(
      new RangeError('tokenflight: timeout must be a number > 0, got 0'),
    );
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

describe('oauth() login options', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'a relative redirectUri',
      { clientId: 'spa', issuer: 'https://op.example', redirectUri: '/cb' },
      /tokenflight: redirectUri must be an absolute URL, got "\/cb"/,
    ],
    [
      'a relative postLogoutRedirectUri',
      { clientId: 'spa', issuer: 'https://op.example', postLogoutRedirectUri: 'bye' },
      /postLogoutRedirectUri must be an absolute URL, got "bye"/,
    ],
    [
      'an empty scope',
      { clientId: 'spa', issuer: 'https://op.example', scope: ' ' },
      /scope must be a non-empty string, got " "/,
    ],
    [
      'pushedAuthorizationRequests of the wrong type',
      { clientId: 'spa', issuer: 'https://op.example', pushedAuthorizationRequests: 'yes' },
      /pushedAuthorizationRequests must be a boolean, got string/,
    ],
    [
      'a location without assign',
      { clientId: 'spa', issuer: 'https://op.example', location: { href: 'https://app.example/' } },
      /location must have assign, got an object/,
    ],
    [
      'a loginStorage without removeItem',
      { clientId: 'spa', issuer: 'https://op.example', loginStorage: { getItem() {}, setItem() {} } },
      /loginStorage must have getItem, setItem, removeItem/,
    ],
    [
      'an openWindow that is no function',
      { clientId: 'spa', issuer: 'https://op.example', openWindow: 'popup' },
      /openWindow must be a function, got string/,
    ],
  ])('%s is a TypeError', (_, options, message) => {
    expect(() => oauth(options as OAuthOptions)).toThrow(TypeError);
    expect(() => oauth(options as OAuthOptions)).toThrow(message);
  });
});
