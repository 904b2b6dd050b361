/**
 * A real HTTP auth API on 127.0.0.1 around the in-memory auth backend, with
 * HS256 JWT access tokens. Used by the demo (`npm start`), the browser tests
 * and benchmarks. Two modes:
 * - bearer: login/refresh answer `{ accessToken, refreshToken, expiresIn }`;
 *   protected routes want `Authorization: Bearer <jwt>`.
 * - cookie (`{ "mode": "cookie" }` in the login body): the JWT and refresh
 *   token go into HttpOnly cookies, the page gets `{ accessToken: <csrf>,
 *   expiresIn }` and must echo it in `X-CSRF-Token`. Refresh with an empty body
 *   uses the refresh cookie.
 * Faults for `/api/refresh` (503, dropped connection, hang, slow answer) are switched with
 * `POST /api/debug/refresh-fault` `{ kind, ms, delay }` (see `refreshFaults.ts`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  createAuthBackend,
  type AuthBackend,
  type AuthorizeResult,
  type IssuedTokens,
} from '../src/testing/authBackend.js';
import { createJwtCodec } from './jwt.js';
import { createRefreshFaults } from './refreshFaults.js';
import { HttpError, parseCookies, readJson, sendJson, serializeCookie, serveStatic, sleep } from './http.js';

export interface AuthHttpServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Access-token lifetime in seconds (default 30). */
  accessTtl?: number;
  /** Refresh-token lifetime in seconds (default one day). */
  refreshTtl?: number;
  /**
   * Extra milliseconds every `/api/refresh` takes, to widen races in benchmarks. A single
   * refresh can ask for more with `?delay=<ms>` (the demo's "slow refresh").
   */
  refreshLatency?: number;
  now?: () => number;
  /** Files for non-API paths (`/` is `index.html`). */
  staticDir?: string;
  /** Tried before `staticDir` for non-API paths; return true when it answered. */
  handler?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /** Another kind of access token the resource routes accept (the demo's OAuth 2.0 + DPoP mode). */
  extension?: AuthExtension;
}

/** A refusal from an extension names its own WWW-Authenticate challenge. */
export type ExtensionAuthorizeResult =
  { ok: true; claims: { sub?: string; exp?: number } } | { ok: false; reason: string; challenge: string };

export interface AuthExtension {
  /** Judges a request whose token is the extension's kind; null passes it on to the backend. */
  authorize(req: IncomingMessage): Promise<ExtensionAuthorizeResult | null>;
  /** Counters served by /api/stats?of=extension. */
  stats(): Record<string, number>;
  /** Runs along with the backend's /api/debug/<action>. */
  debug(action: 'expire' | 'revoke' | 'reset'): Promise<void>;
}

export interface AuthHttpServer {
  url: string;
  port: number;
  backend: AuthBackend;
  /** Stops listening, drops open connections and pending delays; the port is free when it resolves. */
  close(): Promise<void>;
}

export const ACCESS_COOKIE = 'tf_access';
export const REFRESH_COOKIE = 'tf_refresh';
// Both cookies go to every /api route: the refresh cookie is needed by
// /api/refresh and /api/logout; SameSite=Strict keeps them off cross-site requests.
const COOKIE_PATH = '/api';
const MAX_DELAY_MS = 60_000;

/** `?delay=<ms>`, clamped to 0…60 s. */
function requestedDelay(url: URL): number {
  return Math.min(Math.max(Number(url.searchParams.get('delay')) || 0, 0), MAX_DELAY_MS);
}

/** Counters as they grew since the last `reset()`: /api/debug/reset-stats lets a page start from zero. */
function countedFromReset(read: () => Record<string, number>): { reset(): void; since(): Record<string, number> } {
  let base = read();
  return {
    reset() {
      base = read();
    },
    since: () => Object.fromEntries(Object.entries(read()).map(([name, value]) => [name, value - (base[name] ?? 0)])),
  };
}

export async function createAuthHttpServer(options: AuthHttpServerOptions = {}): Promise<AuthHttpServer> {
  const now = options.now ?? Date.now;
  const backend = createAuthBackend({
    accessTtl: options.accessTtl,
    refreshTtl: options.refreshTtl,
    now,
    ...createJwtCodec(now),
  });
  const refreshTtl = options.refreshTtl ?? 86_400;
  const closing = new AbortController();
  const faults = createRefreshFaults(now);
  const backendStats = countedFromReset(() => ({ ...backend.stats() }));
  const extensionStats = countedFromReset(() => options.extension?.stats() ?? {});
  const resetStats = () => [backendStats, extensionStats].forEach((stats) => stats.reset());

  function tokenCookies(tokens: IssuedTokens): string[] {
    return [
      serializeCookie(ACCESS_COOKIE, tokens.accessToken, COOKIE_PATH),
      serializeCookie(REFRESH_COOKIE, tokens.refreshToken, COOKIE_PATH, refreshTtl),
    ];
  }
  const clearCookies = [
    serializeCookie(ACCESS_COOKIE, '', COOKIE_PATH, 0),
    serializeCookie(REFRESH_COOKIE, '', COOKIE_PATH, 0),
  ];

  /** The extension's kind of token first, then a Bearer header; otherwise the access cookie, which needs the matching CSRF header. */
  async function authorize(req: IncomingMessage): Promise<AuthorizeResult | ExtensionAuthorizeResult> {
    const extended = await options.extension?.authorize(req);
    if (extended) return extended;
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) return backend.authorize(header.slice('Bearer '.length).trim());
    const cookie = parseCookies(req.headers.cookie).get(ACCESS_COOKIE);
    if (cookie) {
      const csrf = req.headers['x-csrf-token'];
      return backend.authorize(cookie, { csrfToken: typeof csrf === 'string' ? csrf : null });
    }
    return backend.authorize(null);
  }

  function unauthorized(res: ServerResponse, reason: string, headers: Record<string, string | string[]> = {}): void {
    sendJson(res, 401, { error: reason }, { 'WWW-Authenticate': `Bearer error="invalid_token"`, ...headers });
  }
  const refused = (res: ServerResponse, result: { reason: string; challenge?: string }) =>
    unauthorized(res, result.reason, result.challenge ? { 'WWW-Authenticate': result.challenge } : {});

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'POST /api/login': {
        const body = await readJson(req);
        const username = typeof body.username === 'string' && body.username.trim() ? body.username.trim() : null;
        if (!username) throw new HttpError(400, 'username is required');
        const tokens = await backend.login(username);
        if (body.mode === 'cookie') {
          sendJson(
            res,
            200,
            { accessToken: tokens.csrfToken, expiresIn: tokens.expiresIn },
            {
              'Set-Cookie': tokenCookies(tokens),
            },
          );
          return;
        }
        const { accessToken, refreshToken, expiresIn } = tokens;
        sendJson(res, 200, { accessToken, refreshToken, expiresIn });
        return;
      }
      case 'POST /api/refresh': {
        const body = await readJson(req);
        const cookieMode = typeof body.refreshToken !== 'string';
        const presented = cookieMode ? parseCookies(req.headers.cookie).get(REFRESH_COOKIE) : body.refreshToken;
        if (await faults.apply(req, res, closing.signal)) return;
        if (!(await sleep((options.refreshLatency ?? 0) + requestedDelay(url), closing.signal))) return;
        const result = await backend.refresh(typeof presented === 'string' ? presented : null);
        if (!result.ok) {
          unauthorized(res, result.reason, cookieMode ? { 'Set-Cookie': clearCookies } : {});
          return;
        }
        const { tokens } = result;
        if (cookieMode) {
          sendJson(
            res,
            200,
            { accessToken: tokens.csrfToken, expiresIn: tokens.expiresIn },
            {
              'Set-Cookie': tokenCookies(tokens),
            },
          );
          return;
        }
        sendJson(res, 200, {
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          expiresIn: tokens.expiresIn,
        });
        return;
      }
      case 'POST /api/logout': {
        const body = await readJson(req);
        const presented =
          typeof body.refreshToken === 'string'
            ? body.refreshToken
            : parseCookies(req.headers.cookie).get(REFRESH_COOKIE);
        backend.logout(presented);
        sendJson(res, 200, { ok: true }, { 'Set-Cookie': clearCookies });
        return;
      }
      case 'GET /api/secret': {
        // Judged on arrival, answered after `delay`: a 401 that lands after a
        // refresh already happened (a "stale 401").
        const result = await authorize(req);
        if (!(await sleep(requestedDelay(url), closing.signal))) return;
        if (!result.ok) {
          refused(res, result);
          return;
        }
        sendJson(res, 200, {
          secret: 'the cake is a lie',
          user: result.claims.sub,
          at: new Date(now()).toISOString(),
        });
        return;
      }
      case 'GET /api/public':
        sendJson(res, 200, { message: 'anyone may read this', at: new Date(now()).toISOString() });
        return;
      case 'GET /api/heartbeat': {
        const result = await authorize(req);
        if (!result.ok) {
          refused(res, result);
          return;
        }
        sendJson(res, 200, { ok: true, exp: result.claims.exp });
        return;
      }
      case 'POST /api/debug/expire':
        backend.expireAccessTokens();
        await options.extension?.debug('expire');
        sendJson(res, 200, { ok: true });
        return;
      case 'POST /api/debug/revoke':
        backend.revokeRefreshTokens();
        await options.extension?.debug('revoke');
        sendJson(res, 200, { ok: true });
        return;
      case 'POST /api/debug/reset':
        backend.reset();
        faults.set({ kind: 'none' });
        await options.extension?.debug('reset');
        resetStats();
        sendJson(res, 200, { ok: true });
        return;
      case 'POST /api/debug/reset-stats':
        resetStats();
        sendJson(res, 200, { ok: true });
        return;
      case 'POST /api/debug/refresh-fault':
        faults.set(await readJson(req));
        sendJson(res, 200, faults.report());
        return;
      case 'GET /api/debug/refresh-fault':
        sendJson(res, 200, faults.report());
        return;
      case 'GET /api/stats':
        sendJson(res, 200, (url.searchParams.get('of') === 'extension' ? extensionStats : backendStats).since());
        return;
      default:
        sendJson(res, 404, { error: `no route ${route}` });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (url.pathname.startsWith('/api/')) {
        await api(req, res, url);
        return;
      }
      if (options.handler && (await options.handler(req, res))) return;
      if (options.staticDir && (req.method === 'GET' || req.method === 'HEAD')) {
        if (await serveStatic(options.staticDir, url.pathname, res)) return;
      }
      sendJson(res, 404, { error: 'not found' });
    } catch (error) {
      if (res.headersSent) res.destroy();
      else if (error instanceof HttpError) sendJson(res, error.status, { error: error.message });
      else sendJson(res, 500, { error: 'internal error' });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  // Tracked so close() can drop keep-alive and in-flight connections at once.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const { port, address } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${address}:${port}`,
    port,
    backend,
    close() {
      closed ??= new Promise<void>((resolveClose) => {
        closing.abort();
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
