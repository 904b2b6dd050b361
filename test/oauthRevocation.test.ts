// RFC 7009 revocation when the app logs out: best effort, never delaying or failing the logout
// (the logout itself, through a session, is in oauthSession.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { oauth, RevocationError, type OAuthClient } from 'tokenflight/oauth';
import type { TokenSet } from 'tokenflight';
import type { PluginParts } from 'tokenflight';
import { startAuthorizationServer } from './oauth/authorizationServer.js';
import { eventually, logIn } from './support/oauthLogin.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  // allSettled: one test closes its server itself.
  await Promise.allSettled(closers.splice(0).map((close) => close()));
});

async function loggedIn(onError?: (error: unknown) => void) {
  const as = await startAuthorizationServer();
  closers.push(as.close);
  const op = oauth({
    issuer: as.issuer,
    clientId: 'spa',
    clientMetadata: { id_token_signed_response_alg: 'ES256' },
    allowInsecureRequests: true,
    onError,
  });
  const login = await logIn(op);
  const tokens: TokenSet = {
    accessToken: login.access_token,
    refreshToken: login.refresh_token ?? null,
    expiresAt: null,
    tokenType: login.token_type ?? null,
    scope: null,
  };
  return { as, op, tokens };
}

const partsOf = (op: OAuthClient): PluginParts =>
  op.setup({ storage: undefined, refreshTimeout: 10_000, isTerminal: () => false, now: Date.now });

describe('revocation on logout', () => {
  it('a failed revocation is only reported, as a RevocationError with its cause', async () => {
    const errors: unknown[] = [];
    const { as, op, tokens } = await loggedIn((error) => errors.push(error));
    await as.close();

    partsOf(op).loggedOut!(tokens);
    await eventually(() => errors.length === 1);

    expect(errors[0]).toBeInstanceOf(RevocationError);
    expect(errors[0]).toMatchObject({ name: 'RevocationError', message: 'Revoking the refresh token failed' });
    expect((errors[0] as Error).cause).toBeInstanceOf(Error);
    expect(String(errors[0]) + String((errors[0] as Error).cause)).not.toContain(tokens.refreshToken!);
  });

  it('offers the access token when the session holds no refresh token; a refusal is a RevocationError with the OAuth error', async () => {
    const { as, op, tokens } = await loggedIn();

    // oidc-provider cannot revoke its JWT access tokens (they are not stored): a real refusal.
    const refusal = await op.revoke({ ...tokens, refreshToken: null }).catch((error: unknown) => error);

    expect(refusal).toMatchObject({
      name: 'RevocationError',
      status: 400,
      message: 'Revoking the access token failed',
    });
    expect((refusal as Error).cause).toMatchObject({ name: 'ResponseBodyError', error: 'unsupported_token_type' });
    expect([as.counters.revocations, as.counters.grantsRevoked]).toEqual([0, 0]);
  });
});
