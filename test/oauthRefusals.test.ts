// How the op's DPoP scheme reads a 401's WWW-Authenticate challenge (RFC 9449 §7.1, §9;
// RFC 6750 §3), with the adapters' one challenge parser.
import { describe, expect, it } from 'vitest';
import { memoryKeyStore, oauth } from 'tokenflight/oauth';

const op = oauth({ clientId: 'spa', issuer: 'https://op.example', dpop: { keyStore: memoryKeyStore() } });
const scheme = op.setup({ storage: undefined, refreshTimeout: 1, isTerminal: () => false, now: Date.now }).scheme!;

const refusal = (challenge?: string) =>
  scheme.classify!({
    status: 401,
    url: new URL('https://api.example/data'),
    headers: new Headers(challenge === undefined ? {} : { 'WWW-Authenticate': challenge }),
  });

describe('DPoP refusal classification', () => {
  it.each([
    ['DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"', 'retry'],
    ['Bearer realm="api", DPoP algs="ES256 EdDSA", error="use_dpop_nonce"', 'retry'],
    ['dpop error=use_dpop_nonce', 'retry'],
    ['DPoP error="invalid_token", error_description="The access token expired", algs="ES256"', 'refresh'],
    ['Bearer error="invalid_token"', 'refresh'],
    ['DPoP algs="ES256"', 'refresh'],
    [undefined, 'refresh'],
    ['DPoP error="invalid_dpop_proof", error_description="DPoP proof htu mismatch, see \\"htu\\""', 'pass'],
    ['Bearer error="insufficient_scope", scope="api:admin"', 'pass'],
    // A nonce is asked for by the DPoP scheme only.
    ['Bearer error="use_dpop_nonce"', 'pass'],
  ])('%s → %s', (challenge, expected) => {
    expect(refusal(challenge)).toBe(expected);
  });
});
