// A tiny protected API for tests: verifies the authorization server's JWT access
// tokens through the token guard (Bearer, RFC 6750, and DPoP, RFC 9449, with its own
// server nonces) and answers with the challenges those RFCs define.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, isLoopbackOrigin, listenOnLoopback } from './authorizationServer.js';
import {
  Challenge,
  challengeHeader,
  createTokenGuard,
  messageOf,
  type TokenGuardOptions,
  type UnauthorizedReason,
} from './tokenGuard.js';

export type { UnauthorizedReason } from './tokenGuard.js';
export type ResourceServerOptions = TokenGuardOptions;

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

export async function startResourceServer(options: ResourceServerOptions): Promise<ResourceServer> {
  const guard = createTokenGuard(options);
  const { authenticate } = guard;
  const requireNonce = options.dpop?.requireNonce ?? false;
  const counters: ResourceServerCounters = { requests: 0, ok: 0, unauthorized: {}, seenJkts: guard.seenJkts };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    counters.requests += 1;
    writeCors(req, res);
    if (requireNonce) res.setHeader('DPoP-Nonce', guard.currentNonce());
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
          sendJson(res, 500, { error: 'server_error', error_description: messageOf(err) });
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
    currentNonce: guard.currentNonce,
    rotateNonce: guard.rotateNonce,
    close: () => closeServer(server),
  };
}

// Not a challenge: a 404 carries no WWW-Authenticate and counts under no reason.
class NotFound extends Error {}

function writeCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Vary', 'Origin');
  if (!isLoopbackOrigin(origin)) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader('Access-Control-Allow-Headers', 'authorization, dpop, content-type');
  res.setHeader('Access-Control-Expose-Headers', 'DPoP-Nonce, WWW-Authenticate');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
