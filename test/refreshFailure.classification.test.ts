import { ResponseBodyError, WWWAuthenticateChallengeError } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import {
  createAuthSession,
  InvalidRefreshAnswerError,
  InvalidTokenError,
  RefreshRejectedError,
  SessionExpiredError,
  type AuthSessionOptions,
  type SessionPlugin,
} from 'tokenflight';
import { classifyRefreshError, isOAuthTerminalError, OAuthConfigurationError, oauthErrors } from 'tokenflight/oauth';
import { flush, refreshStub } from './support/refreshStub.js';

/**
 * Refresh failures classified by their RFC 6749 §5.2 error code (`oauthErrors()` from
 * tokenflight/oauth), the HTTP status as the fallback and as the core's own rule.
 */

function oauthError(error: string, status = 400): ResponseBodyError {
  const response = new Response(null, { status });
  return new ResponseBodyError('server responded with an error in the response body', { cause: { error }, response });
}

describe('classifyRefreshError', () => {
  it.each([
    ['invalid_grant', 'terminal'],
    ['invalid_request', 'terminal'],
    ['invalid_scope', 'terminal'],
    ['unsupported_grant_type', 'terminal'],
    ['invalid_client', 'configuration'],
    ['unauthorized_client', 'configuration'],
    ['use_dpop_nonce', 'transient'],
    ['temporarily_unavailable', 'transient'],
  ] as const)("reads oauth4webapi's ResponseBodyError %s (status 400) as %s", (code, kind) => {
    expect(classifyRefreshError(oauthError(code))).toBe(kind);
    expect(isOAuthTerminalError(oauthError(code))).toBe(kind !== 'transient');
  });

  it('finds the code on a plain body, on error.body, on a cause, and in a WWW-Authenticate challenge', () => {
    expect(classifyRefreshError({ error: 'invalid_grant' })).toBe('terminal');
    expect(classifyRefreshError({ status: 400, body: { error: 'use_dpop_nonce' } })).toBe('transient');
    expect(classifyRefreshError(new Error('refresh failed', { cause: { error: 'invalid_client' } }))).toBe(
      'configuration',
    );
    expect(classifyRefreshError(new Error('wrapped', { cause: oauthError('temporarily_unavailable', 400) }))).toBe(
      'transient',
    );
    const challenge = new WWWAuthenticateChallengeError('challenge', {
      cause: [{ scheme: 'dpop', parameters: { error: 'use_dpop_nonce' } }],
      response: new Response(null, { status: 401 }),
    });
    expect(classifyRefreshError(challenge)).toBe('transient');
  });

  it('takes the first challenge that names an error, whatever comes before it', () => {
    const challenge = new WWWAuthenticateChallengeError('challenge', {
      cause: [
        { scheme: 'bearer', parameters: { realm: 'api' } },
        'junk' as never,
        { scheme: 'dpop', parameters: { error: 'use_dpop_nonce' } },
      ],
      response: new Response(null, { status: 401 }),
    });
    expect(classifyRefreshError(challenge)).toBe('transient');
  });

  it('does not let an error field that is no code hide the code in the body', () => {
    expect(classifyRefreshError({ status: 503, error: new Error('HTTP 503'), body: { error: 'invalid_grant' } })).toBe(
      'terminal',
    );
  });

  it('searches the cause chain five causes deep, and stops on a chain that loops', () => {
    const chain = (depth: number) => {
      let error: unknown = { error: 'invalid_grant' };
      for (let i = 0; i < depth; i++) error = new Error(`wrapper ${i}`, { cause: error });
      return error;
    };
    expect(classifyRefreshError(chain(5))).toBe('terminal');
    expect(classifyRefreshError(chain(6))).toBe('transient');
    const looping = new Error('outer') as Error & { cause?: unknown };
    looping.cause = new Error('inner', { cause: looping });
    expect(classifyRefreshError(looping)).toBe('transient');
  });

  it('keeps an OAuthConfigurationError a configuration error whatever its code', () => {
    expect(classifyRefreshError(new OAuthConfigurationError('access_denied'))).toBe('configuration');
  });

  it('falls back to the status for errors without a known code: 400/401/403 terminal, the rest transient', () => {
    expect(classifyRefreshError({ status: 401 })).toBe('terminal');
    expect(classifyRefreshError({ status: 401, error: 'toString' })).toBe('terminal');
    expect(classifyRefreshError({ status: 503, error: 'unknown_code' })).toBe('transient');
    expect(classifyRefreshError(oauthError('server_error', 500))).toBe('transient');
    expect(classifyRefreshError(new TypeError('fetch failed'))).toBe('transient');
    expect(classifyRefreshError(new RefreshRejectedError())).toBe('terminal');
    expect(
      classifyRefreshError(
        new InvalidRefreshAnswerError(new InvalidTokenError('expires_in must be a non-negative number of seconds')),
      ),
    ).toBe('terminal');
  });
});

function session(refresh: AuthSessionOptions['refresh'], options: Partial<AuthSessionOptions> = {}) {
  return createAuthSession({
    tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 600 },
    refresh,
    tabLife: false,
    retry: { retries: 3, minDelay: 1, maxDelay: 1 },
    plugins: [oauthErrors()],
    ...options,
  });
}

describe('a session without oauthErrors(): the core reads only the status', () => {
  it('expires on a 401 with the error as it is, and retries a 503 whatever its code says', async () => {
    const stub = refreshStub();
    const user = session(stub.refresh, { plugins: [] });
    const expired: unknown[] = [];
    user.on('expired', ({ error }) => expired.push(error));
    const first = user.refresh();
    stub.last().answer.reject(oauthError('invalid_grant', 503));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stub.calls).toHaveLength(2);
    const refusal = oauthError('invalid_client', 401);
    stub.last().answer.reject(refusal);
    await expect(first).rejects.toMatchObject({ name: 'SessionExpiredError', cause: refusal });
    expect(expired).toEqual([refusal]);
    user.stop();
  });
});

describe('who decides: the app, then the first plugin with an opinion, then the status', () => {
  const opinion = (name: string, verdict: boolean | undefined, seen: string[]): SessionPlugin => ({
    name,
    setup: () => ({ isTerminal: () => (seen.push(name), verdict) }),
  });

  it("asks plugins in order until one answers, and the app's isTerminal overrides them all", async () => {
    const seen: string[] = [];
    const stub = refreshStub();
    const user = session(stub.refresh, {
      plugins: [opinion('silent', undefined, seen), opinion('ends', true, seen), opinion('never asked', false, seen)],
    });
    const waiter = user.refresh().catch((error: unknown) => error);
    stub.last().answer.reject(new Error('HTTP 503'));
    await waiter;
    expect(user.status).toBe('expired');
    expect(seen).toEqual(['silent', 'ends']);
    user.stop();

    const overridden = session(stub.refresh, { plugins: [opinion('ends', true, seen)], isTerminal: () => false });
    const retried = overridden.refresh();
    stub.last().answer.reject(oauthError('invalid_grant'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(overridden.status).toBe('refreshing');
    stub.last().answer.resolve({ access_token: 'a1', expires_in: 600 });
    await expect(retried).resolves.toMatchObject({ accessToken: 'a1' });
    overridden.stop();
  });
});

describe('a session whose refresh fails', () => {
  it('expires on invalid_grant, and the requests it rejects carry the reason as cause', async () => {
    const stub = refreshStub();
    const user = session(stub.refresh);
    const expired: unknown[] = [];
    user.on('expired', ({ error }) => expired.push(error));
    const waiter = user.refresh().catch((error: unknown) => error);
    const refusal = oauthError('invalid_grant');
    stub.last().answer.reject(refusal);
    const error = (await waiter) as SessionExpiredError;
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(error.cause).toBe(refusal);
    expect(expired).toEqual([refusal]);
    // A request made after the session expired is told the same reason.
    await expect(user.getToken()).rejects.toMatchObject({ name: 'SessionExpiredError', cause: refusal });
    expect(stub.calls).toHaveLength(1);
    user.stop();
  });

  it('expires on invalid_client with an OAuthConfigurationError that names the code and keeps the server error', async () => {
    const stub = refreshStub();
    const user = session(stub.refresh);
    const expired: unknown[] = [];
    user.on('expired', ({ error }) => expired.push(error));
    const waiter = user.refresh().catch((error: unknown) => error);
    const refusal = oauthError('invalid_client', 401);
    stub.last().answer.reject(refusal);
    const error = (await waiter) as SessionExpiredError;
    expect(expired).toHaveLength(1);
    expect(expired[0]).toBeInstanceOf(OAuthConfigurationError);
    expect(expired[0]).toMatchObject({ name: 'OAuthConfigurationError', error: 'invalid_client', cause: refusal });
    expect((expired[0] as Error).message).toContain('invalid_client');
    expect(error.cause).toBe(expired[0]);
    expect(stub.calls).toHaveLength(1);
    user.stop();
  });

  it('names unauthorized_client as the code of its OAuthConfigurationError', async () => {
    const stub = refreshStub();
    const user = session(stub.refresh);
    const expired: unknown[] = [];
    user.on('expired', ({ error }) => expired.push(error));
    const waiter = user.refresh().catch(() => {});
    stub.last().answer.reject(oauthError('unauthorized_client', 400));
    await waiter;
    expect(expired[0]).toMatchObject({ name: 'OAuthConfigurationError', error: 'unauthorized_client' });
    user.stop();
  });

  it('retries use_dpop_nonce (status 400): it is not a refusal of the refresh token', async () => {
    const stub = refreshStub();
    const user = session(stub.refresh);
    const waiter = user.refresh();
    stub.last().answer.reject(oauthError('use_dpop_nonce'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stub.calls).toHaveLength(2);
    expect(stub.last().context.refreshToken).toBe('r0');
    stub.last().answer.resolve({ access_token: 'a1', refresh_token: 'r1', expires_in: 600 });
    await expect(waiter).resolves.toMatchObject({ accessToken: 'a1' });
    user.stop();
  });

  it('expires on an invalid answer even when the app says every error is transient, presenting the refresh token once', async () => {
    const stub = refreshStub();
    const user = session(stub.refresh, { isTerminal: () => false });
    const waiter = user.refresh().catch((error: unknown) => error);
    stub.last().answer.resolve({ access_token: 'a1', expires_in: -5 });
    const error = (await waiter) as SessionExpiredError;
    await flush();
    expect(user.status).toBe('expired');
    expect(error.cause).toBeInstanceOf(InvalidRefreshAnswerError);
    expect((error.cause as Error).message).toContain('expires_in');
    expect((error.cause as Error).message).not.toContain('a1');
    expect(stub.calls).toHaveLength(1);
    user.stop();
  });

  it('still throws InvalidTokenError synchronously from login() with a bad token set', () => {
    const user = session(refreshStub().refresh);
    expect(() => user.login({ access_token: '' })).toThrow(InvalidTokenError);
    expect(user.status).toBe('idle');
    user.stop();
  });
});
