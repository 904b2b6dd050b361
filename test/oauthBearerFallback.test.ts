// A server may ignore the DPoP proof and issue a plain Bearer token (RFC 9449 §5: token_type
// Bearer). Such a token is not bound to the key: the op's scheme sends it as Bearer, without a proof.
import { describe, expect, it } from 'vitest';
import { memoryKeyStore, oauth } from 'tokenflight/oauth';
import type { TokenSet } from 'tokenflight';

const op = oauth({ clientId: 'spa', issuer: 'https://op.example', dpop: { keyStore: memoryKeyStore() } });
const scheme = op.setup({ storage: undefined, refreshTimeout: 1, isTerminal: () => false, now: Date.now }).scheme!;

async function headersFor(tokenType: string | null): Promise<Headers> {
  const tokens: TokenSet = { accessToken: 'at', refreshToken: null, expiresAt: null, tokenType, scope: null };
  const headers = new Headers();
  await scheme.authorize({ method: 'GET', url: new URL('https://api.example/data'), headers }, tokens);
  return headers;
}

describe('the DPoP scheme and the token type the server issued', () => {
  it.each(['bearer', 'Bearer'])('a %s token goes out as Bearer, with no proof', async (tokenType) => {
    const headers = await headersFor(tokenType);
    expect(headers.get('Authorization')).toBe('Bearer at');
    expect(headers.has('DPoP')).toBe(false);
  });

  it.each(['dpop', 'DPoP', null])('a %s token goes out as DPoP with a proof', async (tokenType) => {
    const headers = await headersFor(tokenType);
    expect(headers.get('Authorization')).toBe('DPoP at');
    expect(headers.get('DPoP')?.split('.')).toHaveLength(3);
  });
});
