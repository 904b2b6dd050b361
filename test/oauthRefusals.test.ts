// How the DPoP scheme reads a 401's WWW-Authenticate challenge (RFC 9449 §7.1, §9; RFC 6750 §3).
import { describe, expect, it } from 'vitest';
import { classifyDPoPRefusal } from '../src/oauth/index.js';

const refusal = (challenge?: string) =>
  classifyDPoPRefusal({
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
    // Another scheme's error says nothing about the token.
    ['Basic realm="x", Newauth error="use_dpop_nonce"', 'refresh'],
  ])('%s → %s', (challenge, expected) => {
    expect(refusal(challenge)).toBe(expected);
  });
});
