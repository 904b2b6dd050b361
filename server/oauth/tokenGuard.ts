// Verifies the authorization server's JWT access tokens with jose, Bearer (RFC 6750) and
// DPoP (RFC 9449, with the guard's own server nonces); a refusal is a Challenge that says
// which WWW-Authenticate header to answer with. The test resource server and the demo's
// API routes both authenticate through it.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EmbeddedJWK, calculateJwkThumbprint, createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { API_RESOURCE } from './authorizationServer.js';

export type UnauthorizedReason =
  | 'missing' // no Authorization header
  | 'invalid_token' // bad signature, iss, aud, typ, expired, unknown scheme...
  | 'dpop_bound_as_bearer' // a cnf.jkt token sent with the Bearer scheme
  | 'not_dpop_bound' // DPoP scheme with a token that has no cnf.jkt
  | 'dpop_proof_invalid' // missing or wrong DPoP proof
  | 'use_dpop_nonce' // proof without the current server nonce
  | 'always_401' // GET /api/always-401
  | 'insufficient_scope'; // GET /api/scope (answered 403)

export interface TokenGuardOptions {
  /** The authorization server (or its issuer URL) whose tokens are accepted. */
  issuer: string | { issuer: string };
  /** Defaults to oidc-provider's `<issuer>/jwks`. */
  jwksUri?: string;
  /** Expected `aud`; defaults to the harness API resource indicator. */
  audience?: string;
  dpop?: {
    /** Demand the server's current nonce in every DPoP proof (default false). */
    requireNonce?: boolean;
    /** How far a proof's `iat` may be from now, in seconds (default 60). */
    maxProofAge?: number;
  };
}

export interface Caller {
  claims: JWTPayload;
  scheme: 'Bearer' | 'DPoP';
}

export interface TokenGuard {
  /** @throws Challenge */
  authenticate: (req: IncomingMessage) => Promise<Caller>;
  /** JWK thumbprints of every DPoP proof whose signature verified. */
  seenJkts: Set<string>;
  /** The DPoP nonce currently accepted (and sent in `DPoP-Nonce`). */
  currentNonce: () => string;
  /** Makes a new DPoP nonce; proofs with the old one get `use_dpop_nonce` from now on. */
  rotateNonce: () => void;
  /** Refuses (as `invalid_token`) every access token issued before `epochSeconds`, as if it had expired. */
  expireIssuedBefore: (epochSeconds: number) => void;
}

export const DPOP_ALGS = ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'];

/** A 401/403 answer: which scheme challenges, with which error. */
export class Challenge extends Error {
  constructor(
    readonly reason: UnauthorizedReason,
    readonly scheme: 'Bearer' | 'DPoP',
    readonly error?: string,
    readonly description?: string,
    readonly status = 401,
  ) {
    super(description ?? reason);
  }
}

export function createTokenGuard(options: TokenGuardOptions): TokenGuard {
  const issuer = typeof options.issuer === 'string' ? options.issuer : options.issuer.issuer;
  const jwks = createRemoteJWKSet(new URL(options.jwksUri ?? `${issuer}/jwks`));
  const audience = options.audience ?? API_RESOURCE;
  const requireNonce = options.dpop?.requireNonce ?? false;
  const maxProofAge = options.dpop?.maxProofAge ?? 60;
  const seenJkts = new Set<string>();
  const seenJtis = new Set<string>();
  let nonce = newNonce();
  let issuedAfter = 0;

  async function authenticate(req: IncomingMessage): Promise<Caller> {
    const [scheme, token, ...rest] = (req.headers.authorization ?? '').split(' ');
    if (!scheme) throw new Challenge('missing', 'Bearer');
    const normalized =
      scheme.toLowerCase() === 'dpop' ? 'DPoP' : scheme.toLowerCase() === 'bearer' ? 'Bearer' : undefined;
    if (!normalized || !token || rest.length) {
      throw new Challenge('invalid_token', 'Bearer', 'invalid_token', 'malformed Authorization header');
    }

    const claims = await verifyAccessToken(token, normalized);
    const jkt = (claims.cnf as { jkt?: unknown } | undefined)?.jkt;
    if (typeof jkt === 'string') {
      // RFC 9449 §7.2: a DPoP-bound token is only usable with the DPoP scheme.
      if (normalized !== 'DPoP') {
        throw new Challenge(
          'dpop_bound_as_bearer',
          'DPoP',
          'invalid_token',
          'DPoP-bound access token presented as Bearer',
        );
      }
      await verifyDpopProof(req, token, jkt);
    } else if (normalized === 'DPoP') {
      throw new Challenge('not_dpop_bound', 'DPoP', 'invalid_token', 'access token is not DPoP-bound');
    }
    return { claims, scheme: normalized };
  }

  async function verifyAccessToken(token: string, scheme: 'Bearer' | 'DPoP'): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' }));
    } catch (err) {
      throw new Challenge('invalid_token', scheme, 'invalid_token', messageOf(err));
    }
    if ((payload.iat ?? 0) < issuedAfter)
      throw new Challenge('invalid_token', scheme, 'invalid_token', 'access token expired');
    return payload;
  }

  async function verifyDpopProof(req: IncomingMessage, accessToken: string, expectedJkt: string): Promise<void> {
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || !proof) throw proofError('missing DPoP proof');

    let payload: JWTPayload;
    let jkt: string;
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGS });
      payload = verified.payload;
      // EmbeddedJWK already refuses a proof without one; checked again so the type says so.
      const { jwk } = verified.protectedHeader;
      if (!jwk) throw new Error('no jwk header');
      jkt = await calculateJwkThumbprint(jwk);
    } catch (err) {
      throw proofError(`DPoP proof signature: ${messageOf(err)}`);
    }
    seenJkts.add(jkt);

    if (payload.htm !== req.method) throw proofError('DPoP proof htm mismatch');
    if (payload.htu !== requestHtu(req)) throw proofError('DPoP proof htu mismatch');
    if (typeof payload.iat !== 'number' || Math.abs(Date.now() / 1000 - payload.iat) > maxProofAge) {
      throw proofError('DPoP proof iat is not recent');
    }
    if (payload.ath !== sha256(accessToken)) throw proofError('DPoP proof ath mismatch');
    if (jkt !== expectedJkt) throw proofError('DPoP proof key does not match the token cnf.jkt');
    if (typeof payload.jti !== 'string' || seenJtis.has(payload.jti))
      throw proofError('DPoP proof jti missing or replayed');
    if (requireNonce && payload.nonce !== nonce) {
      throw new Challenge(
        'use_dpop_nonce',
        'DPoP',
        'use_dpop_nonce',
        'Resource server requires the current DPoP nonce',
      );
    }
    seenJtis.add(payload.jti);
  }

  return {
    authenticate,
    seenJkts,
    currentNonce: () => nonce,
    rotateNonce: () => {
      nonce = newNonce();
    },
    expireIssuedBefore: (epochSeconds) => {
      issuedAfter = epochSeconds;
    },
  };
}

function proofError(description: string): Challenge {
  return new Challenge('dpop_proof_invalid', 'DPoP', 'invalid_dpop_proof', description);
}

/** The WWW-Authenticate header of a refusal. */
export function challengeHeader(challenge: Challenge): string {
  const params: string[] = [];
  if (challenge.error) params.push(`error="${challenge.error}"`);
  if (challenge.error && challenge.description) params.push(`error_description="${quoteSafe(challenge.description)}"`);
  if (challenge.reason === 'insufficient_scope') params.push('scope="api:admin"');
  if (challenge.scheme === 'DPoP') params.push(`algs="${DPOP_ALGS.join(' ')}"`);
  return params.length ? `${challenge.scheme} ${params.join(', ')}` : challenge.scheme;
}

// The URL the client signed: scheme, host and path, without query or fragment (RFC 9449 §4.3).
function requestHtu(req: IncomingMessage): string {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  return `${url.origin}${url.pathname}`;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function quoteSafe(text: string): string {
  return text.replace(/["\\]/g, "'");
}
