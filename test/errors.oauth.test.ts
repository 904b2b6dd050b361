// tokenflight/oauth's errors, as an app meets them: each names its reason in its message, carries the fields the
// docs list, and is one of tokenflight's (TokenflightError).
import { describe, expect, it } from 'vitest';
import { TokenflightError } from 'tokenflight';
import {
  AuthorizationError,
  DiscoveryError,
  IdTokenMismatchError,
  InvalidCallbackError,
  LoginStateError,
  PopupClosedError,
  PopupTimeoutError,
} from 'tokenflight/oauth';

const issuer = 'https://login.example.com';
const url = 'https://login.example.com/.well-known/openid-configuration';

describe('DiscoveryError', () => {
  it.each([
    ['unreachable', undefined, 'the server could not be reached'],
    ['timeout', undefined, 'no answer in time'],
    ['malformed', undefined, 'the answer is not a metadata document (JSON with an issuer)'],
    ['status', 404, 'the server answered HTTP 404'],
    [
      'issuerMismatch',
      undefined,
      'the document names another issuer (check `issuer`: scheme, host, path and trailing slash)',
    ],
    ['noTokenEndpoint', undefined, 'the document has no token_endpoint'],
  ] as const)('%s: the message names the issuer, the reason and the URL', (reason, status, what) => {
    const cause = new TypeError('fetch failed');
    const error = new DiscoveryError({ issuer, url, reason, status }, { cause });
    expect(error.message).toBe(`Discovery for issuer ${issuer} failed: ${what} (${url})`);
    expect(error).toMatchObject({ name: 'DiscoveryError', issuer, url, reason, status, cause });
    expect(error).toBeInstanceOf(TokenflightError);
  });

  it.each([
    ['unreachable', undefined, false],
    ['timeout', undefined, false],
    ['malformed', undefined, false],
    ['issuerMismatch', undefined, true],
    ['noTokenEndpoint', undefined, true],
    ['status', 404, true],
    ['status', 400, true],
    ['status', 499, true],
    ['status', 408, false],
    ['status', 429, false],
    ['status', 500, false],
    ['status', 503, false],
    ['status', undefined, false],
  ] as const)(
    '%s %s is permanent: %s (a misconfiguration ends the session; the rest is retried)',
    (reason, status, permanent) => {
      expect(new DiscoveryError({ issuer, url, reason, status }).permanent).toBe(permanent);
    },
  );
});

describe('the login errors', () => {
  it('AuthorizationError: the OAuth error code, and its description when the server gave one', () => {
    const described = new AuthorizationError('access_denied', 'the user said no');
    expect(described.message).toBe('The authorization server refused the login: access_denied (the user said no)');
    expect(described).toMatchObject({
      name: 'AuthorizationError',
      error: 'access_denied',
      errorDescription: 'the user said no',
    });
    const bare = new AuthorizationError('invalid_scope');
    expect(bare.message).toBe('The authorization server refused the login: invalid_scope');
    expect(bare.errorDescription).toBeUndefined();
  });

  it('LoginStateError: no answer in the URL, or an answer no pending login has', () => {
    expect(new LoginStateError('missing')).toMatchObject({
      name: 'LoginStateError',
      reason: 'missing',
      message: 'The URL holds no authorization answer (no state parameter)',
    });
    expect(new LoginStateError('unknown')).toMatchObject({
      reason: 'unknown',
      message:
        'No login with this state is pending in this tab: it was completed already, started elsewhere, or never started',
    });
  });

  it('PopupClosedError and PopupTimeoutError say which happened', () => {
    expect(new PopupClosedError(true)).toMatchObject({
      name: 'PopupClosedError',
      blocked: true,
      message: 'The login popup was blocked by the browser',
    });
    expect(new PopupClosedError(false)).toMatchObject({
      blocked: false,
      message: 'The login popup was closed before the login completed',
    });
    expect(new PopupTimeoutError(300_000)).toMatchObject({
      name: 'PopupTimeoutError',
      timeout: 300_000,
      message: 'The login popup gave no answer within 300000 ms',
    });
  });

  it('IdTokenMismatchError and InvalidCallbackError name the claim or the fault', () => {
    expect(new IdTokenMismatchError('sub')).toMatchObject({
      name: 'IdTokenMismatchError',
      claim: 'sub',
      message: "The refreshed ID token's sub differs from the session's: refused (OpenID Connect Core 12.2)",
    });
    const cause = new Error('bad iss');
    expect(new InvalidCallbackError('the iss parameter names another issuer', { cause })).toMatchObject({
      name: 'InvalidCallbackError',
      message: 'The authorization answer is invalid: the iss parameter names another issuer',
      cause,
    });
  });

  it('each is one of tokenflight’s errors', () => {
    for (const error of [
      new AuthorizationError('x'),
      new LoginStateError('missing'),
      new PopupClosedError(false),
      new PopupTimeoutError(1),
      new IdTokenMismatchError('iss'),
      new InvalidCallbackError('x'),
    ])
      expect(error).toBeInstanceOf(TokenflightError);
  });
});
