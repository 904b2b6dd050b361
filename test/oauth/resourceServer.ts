// A tiny protected API for tests: verifies the authorization server's JWT access
// tokens with jose, supports Bearer (RFC 6750) and DPoP (RFC 9449, with its own
// server nonces) and answers with the challenges those RFCs define.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EmbeddedJWK,
  calculateJwkThumbprint,
  createRemoteJWKSet,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import { API_RESOURCE, closeServer, isLoopbackOrigin, listenOnLoopback } from './authorizationServer.js';

export type UnauthorizedReason =
  | 'missing' // no Authorization header
  | 'invalid_token' // bad signature, iss, aud, typ, expired, unknown scheme...
  | 'dpop_bound_as_bearer' // a cnf.jkt token sent with the Bearer scheme
  | 'not_dpop_bound' // DPoP scheme with a token that has no cnf.jkt
  | 'dpop_proof_invalid' // missing or wrong DPoP proof
  | 'use_dpop_nonce' // proof without the current server nonce
  | 'always_401' // GET /api/always-401
  | 'insufficient_scope'; // GET /api/scope (answered 403)

export interface ResourceServerOptions {
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

export interface ResourceServerCounters {
  requests: number;
  ok: number;
  unauthorized: Partial<Record<UnauthorizedReason, number>>;
  /** JWK thumbprints of every DPoP proof whose signature verified. */
  seenJkts: Set<string>;
}

export interface ResourceServer {
  url: string;
  counters: ResourceServerCounters;
  /** The DPoP nonce currently accepted (and sent in `DPoP-Nonce`). */
  currentNonce(): string;
  /** Makes a new DPoP nonce; proofs with the old one get `use_dpop_nonce` from now on. */
  rotateNonce(): void;
  close(): Promise<void>;
}

const DPOP_ALGS = ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'];

/** A 401/403 answer: which scheme challenges, with which error. */
class Challenge extends Error {
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

interface Caller {
  claims: JWTPayload;
  scheme: 'Bearer' | 'DPoP';
}

export async function startResourceServer(options: ResourceServerOptions): Promise<ResourceServer> {
  const issuer = typeof options.issuer === 'string' ? options.issuer : options.issuer.issuer;
  const jwks = createRemoteJWKSet(new URL(options.jwksUri ?? `${issuer}/jwks`));
  const audience = options.audience ?? API_RESOURCE;
  const requireNonce = options.dpop?.requireNonce ?? false;
  const maxProofAge = options.dpop?.maxProofAge ?? 60;

  const counters: ResourceServerCounters = { requests: 0, ok: 0, unauthorized: {}, seenJkts: new Set() };
  const seenJtis = new Set<string>();
  let nonce = newNonce();

  async function authenticate(req: IncomingMessage): Promise<Caller> {
    const [scheme, token, ...rest] = (req.headers.authorization ?? '').split(' ');
    if (!scheme) throw new Challenge('missing', 'Bearer');
    const normalized = scheme.toLowerCase() === 'dpop' ? 'DPoP' : scheme.toLowerCase() === 'bearer' ? 'Bearer' : undefined;
    if (!normalized || !token || rest.length) {
      throw new Challenge('invalid_token', 'Bearer', 'invalid_token', 'malformed Authorization header');
    }

    const claims = await verifyAccessToken(token, normalized);
    const jkt = (claims.cnf as { jkt?: unknown } | undefined)?.jkt;
    if (typeof jkt === 'string') {
      // RFC 9449 §7.2: a DPoP-bound token is only usable with the DPoP scheme.
      if (normalized !== 'DPoP') {
        throw new Challenge('dpop_bound_as_bearer', 'DPoP', 'invalid_token', 'DPoP-bound access token presented as Bearer');
      }
      await verifyDpopProof(req, token, jkt);
    } else if (normalized === 'DPoP') {
      throw new Challenge('not_dpop_bound', 'DPoP', 'invalid_token', 'access token is not DPoP-bound');
    }
    return { claims, scheme: normalized };
  }

  async function verifyAccessToken(token: string, scheme: 'Bearer' | 'DPoP'): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });
      return payload;
    } catch (err) {
      throw new Challenge('invalid_token', scheme, 'invalid_token', describe(err));
    }
  }

  async function verifyDpopProof(req: IncomingMessage, accessToken: string, expectedJkt: string): Promise<void> {
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || !proof) throw proofError('missing DPoP proof');

    let payload: JWTPayload;
    let jkt: string;
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGS });
      payload = verified.payload;
      jkt = await calculateJwkThumbprint(verified.protectedHeader.jwk!);
    } catch (err) {
      throw proofError(`DPoP proof signature: ${describe(err)}`);
    }
    counters.seenJkts.add(jkt);

    if (payload.htm !== req.method) throw proofError('DPoP proof htm mismatch');
    if (payload.htu !== requestHtu(req)) throw proofError('DPoP proof htu mismatch');
    if (typeof payload.iat !== 'number' || Math.abs(Date.now() / 1000 - payload.iat) > maxProofAge) {
      throw proofError('DPoP proof iat is not recent');
    }
    if (payload.ath !== sha256(accessToken)) throw proofError('DPoP proof ath mismatch');
    if (jkt !== expectedJkt) throw proofError('DPoP proof key does not match the token cnf.jkt');
    if (typeof payload.jti !== 'string' || seenJtis.has(payload.jti)) throw proofError('DPoP proof jti missing or replayed');
    if (requireNonce && payload.nonce !== nonce) {
      throw new Challenge('use_dpop_nonce', 'DPoP', 'use_dpop_nonce', 'Resource server requires the current DPoP nonce');
    }
    seenJtis.add(payload.jti);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    counters.requests += 1;
    writeCors(req, res);
    if (requireNonce) res.setHeader('DPoP-Nonce', nonce);
    res.setHeader('Cache-Control', 'no-store');

    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    route(req)
      .then((body) => {
        counters.ok += 1;
        sendJson(res, 200, { ...body, n: counters.ok });
      })
      .catch((err: unknown) => {
        if (err instanceof NotFound) {
          sendJson(res, 404, { error: 'not_found' });
          return;
        }
        if (!(err instanceof Challenge)) {
          sendJson(res, 500, { error: 'server_error', error_description: describe(err) });
          return;
        }
        counters.unauthorized[err.reason] = (counters.unauthorized[err.reason] ?? 0) + 1;
        res.setHeader('WWW-Authenticate', challengeHeader(err));
        sendJson(res, err.status, err.error ? { error: err.error, error_description: err.description } : {});
      });
  }

  async function route(req: IncomingMessage): Promise<Record<string, unknown>> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/api/always-401' && req.method === 'GET') throw new Challenge('always_401', 'Bearer');
    if (path === '/api/scope' && req.method === 'GET') {
      const { scheme } = await authenticate(req);
      throw new Challenge('insufficient_scope', scheme, 'insufficient_scope', 'requires scope api:admin', 403);
    }
    if (path === '/api/data' && (req.method === 'GET' || req.method === 'POST')) {
      const { claims } = await authenticate(req);
      return { ok: true, sub: claims.sub };
    }
    throw new NotFound();
  }

  const server = createServer((req, res) => {
    // Drain bodies (POST) so keep-alive connections stay usable.
    req.resume();
    handle(req, res);
  });
  await listenOnLoopback(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    counters,
    currentNonce: () => nonce,
    rotateNonce: () => {
      nonce = newNonce();
    },
    close: () => closeServer(server),
  };
}

// Not a challenge: a 404 carries no WWW-Authenticate and counts under no reason.
class NotFound extends Error {}

function proofError(description: string): Challenge {
  return new Challenge('dpop_proof_invalid', 'DPoP', 'invalid_dpop_proof', description);
}

function challengeHeader(challenge: Challenge): string {
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

function writeCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Vary', 'Origin');
  if (!isLoopbackOrigin(origin)) return;
  res.setHeader('Access-Control-Allow-Origin', origin!);
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader('Access-Control-Allow-Headers', 'authorization, dpop, content-type');
  res.setHeader('Access-Control-Expose-Headers', 'DPoP-Nonce, WWW-Authenticate');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function quoteSafe(text: string): string {
  return text.replace(/["\\]/g, "'");
}
