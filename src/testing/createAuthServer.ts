import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { createAuthBackend, type AuthBackend, type AuthBackendStats } from './authBackend.js';

/**
 * msw request handlers for a realistic auth server, built on the in-memory backend (rotation,
 * reuse detection that revokes the family, expiring access tokens). The routes and bodies are the
 * demo's real HTTP server's (bearer mode), so code tested against one runs against the other.
 */

export type AuthRoute = 'login' | 'refresh' | 'logout' | 'protected' | 'public' | 'heartbeat';

/** What a route does instead of its normal answer. */
export type Fault = 'serverError' | 'hang' | 'malformed' | 'networkError' | { status: number; body?: unknown };

export interface FaultOptions {
  /** How many requests get the fault (default 1; `Infinity` until `clearFaults`). */
  times?: number;
  /** 'after': the backend handles the request first, then the answer is lost or replaced (a rotated refresh token whose answer never arrives). Default 'before'. */
  phase?: 'before' | 'after';
}

export interface AuthServerOptions {
  /** The origin the handlers answer for, e.g. 'https://api.example.test' (in a browser: `location.origin`). */
  origin: string;
  /** Path prefix of every route. Default '/api'. */
  basePath?: string;
  /** Access-token lifetime in seconds. Default 30. */
  accessTtl?: number;
  /** Refresh-token lifetime in seconds. Default one day. */
  refreshTtl?: number;
  /** Clock in ms; the default reads `Date.now()` at call time, so fake timers apply. */
  now?: () => number;
  /** Milliseconds every answer waits, or per route. */
  latency?: number | Partial<Record<AuthRoute, number>>;
  /** Bring your own backend (e.g. with signed JWTs); otherwise one is created. */
  backend?: AuthBackend;
}

export interface AuthServerCounters extends AuthBackendStats {
  /** Requests that reached each route (faulty ones included). */
  requests: Record<AuthRoute, number>;
  /** Refresh requests answered 401 (unknown, expired, revoked or reused token). */
  refreshRejected: number;
  /** Requests that got an injected fault. */
  faults: number;
}

/** A hold on a route: its requests wait until `release()`. */
export interface Gate {
  /** Requests waiting at the gate now. */
  readonly waiting: number;
  release(): void;
}

export interface AuthServer {
  /** For `setupServer(...server.handlers)` (msw/node) or `setupWorker(...server.handlers)` (msw/browser). */
  readonly handlers: HttpHandler[];
  readonly backend: AuthBackend;
  /** Full URL of a route, e.g. `server.url('protected')`. */
  url(route: AuthRoute): string;
  counters(): AuthServerCounters;
  inject(route: AuthRoute, fault: Fault, options?: FaultOptions): void;
  clearFaults(): void;
  setLatency(latency: number | Partial<Record<AuthRoute, number>>): void;
  /** From now on, requests to `route` wait until the gate is released. */
  hold(route: AuthRoute): Gate;
  /** Every access token issued so far is expired: the next protected request gets a 401. */
  expireAccessTokens(): void;
  /** Every refresh token stops working: the next refresh gets a 401. */
  revokeRefreshTokens(): void;
  /** Forgets users, tokens, counters, faults, holds and latency. */
  reset(): void;
}

const routes: Record<AuthRoute, { method: 'get' | 'post'; path: string }> = {
  login: { method: 'post', path: '/login' },
  refresh: { method: 'post', path: '/refresh' },
  logout: { method: 'post', path: '/logout' },
  protected: { method: 'get', path: '/secret' },
  public: { method: 'get', path: '/public' },
  heartbeat: { method: 'get', path: '/heartbeat' },
};

interface ArmedFault {
  fault: Fault;
  remaining: number;
  phase: 'before' | 'after';
}

function emptyRequests(): Record<AuthRoute, number> {
  return { login: 0, refresh: 0, logout: 0, protected: 0, public: 0, heartbeat: 0 };
}

async function readBody(request: Request): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await request.json();
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function unauthorized(reason: string): Response {
  return HttpResponse.json(
    { error: reason },
    { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } },
  );
}

function faultResponse(fault: Fault): Promise<Response> | Response {
  if (fault === 'hang') return delay('infinite').then(() => HttpResponse.error());
  if (fault === 'networkError') return HttpResponse.error();
  if (fault === 'serverError') return HttpResponse.json({ error: 'injected fault' }, { status: 503 });
  if (fault === 'malformed') {
    return new HttpResponse('{"accessToken": "trunc', { status: 200, headers: { 'Content-Type': 'application/json' } });
  }
  return HttpResponse.json(fault.body ?? { error: 'injected fault' }, { status: fault.status });
}

export function createAuthServer(options: AuthServerOptions): AuthServer {
  const origin = new URL(options.origin).origin;
  const basePath = options.basePath ?? '/api';
  const backend =
    options.backend ??
    createAuthBackend({
      accessTtl: options.accessTtl,
      refreshTtl: options.refreshTtl,
      now: options.now ?? (() => Date.now()),
    });
  let latency = options.latency ?? 0;
  let faults = new Map<AuthRoute, ArmedFault[]>();
  let gates = new Map<AuthRoute, { waiting: number; opened: Promise<void>; open: () => void }>();
  let requests = emptyRequests();
  let refreshRejected = 0;
  let faultsServed = 0;
  // Bumped by reset(): a request that began before it belongs to a server that no longer exists.
  let era = 0;

  const url = (route: AuthRoute) => `${origin}${basePath}${routes[route].path}`;

  function takeFault(route: AuthRoute, phase: 'before' | 'after'): Fault | null {
    const armed = faults.get(route)?.find((candidate) => candidate.phase === phase && candidate.remaining > 0);
    if (!armed) return null;
    armed.remaining -= 1;
    faultsServed += 1;
    return armed.fault;
  }

  async function answer(
    route: AuthRoute,
    request: Request,
    handle: (request: Request, body: Record<string, unknown>) => Promise<Response>,
  ): Promise<Response> {
    const startedIn = era;
    requests[route] += 1;
    const gate = gates.get(route);
    if (gate) {
      gate.waiting += 1;
      await gate.opened;
      gate.waiting -= 1;
    }
    const wait = typeof latency === 'number' ? latency : (latency[route] ?? 0);
    if (wait > 0) await delay(wait);
    const body = request.method === 'GET' ? {} : await readBody(request);
    // A request from before reset() (released by it, or delivered late by a service worker) ends
    // as a network error instead of reaching the fresh backend and counting in the next test.
    if (era !== startedIn) return HttpResponse.error();
    const before = takeFault(route, 'before');
    if (before) return faultResponse(before);
    const response = await handle(request, body);
    const after = takeFault(route, 'after');
    return after ? faultResponse(after) : response;
  }

  async function authorize(request: Request) {
    const header = request.headers.get('Authorization');
    return backend.authorize(header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null);
  }

  const behaviour: Record<AuthRoute, (request: Request, body: Record<string, unknown>) => Promise<Response>> = {
    async login(_, body) {
      const { username } = body;
      if (typeof username !== 'string' || username.trim() === '') {
        return HttpResponse.json({ error: 'username is required' }, { status: 400 });
      }
      const { accessToken, refreshToken, expiresIn } = await backend.login(username.trim());
      return HttpResponse.json({ accessToken, refreshToken, expiresIn });
    },
    async refresh(_, body) {
      const { refreshToken } = body;
      const result = await backend.refresh(typeof refreshToken === 'string' ? refreshToken : null);
      if (!result.ok) {
        refreshRejected += 1;
        return unauthorized(result.reason);
      }
      const { tokens } = result;
      return HttpResponse.json({
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresIn: tokens.expiresIn,
      });
    },
    async logout(_, body) {
      const { refreshToken } = body;
      backend.logout(typeof refreshToken === 'string' ? refreshToken : null);
      return HttpResponse.json({ ok: true });
    },
    async protected(request) {
      const result = await authorize(request);
      if (!result.ok) return unauthorized(result.reason);
      return HttpResponse.json({ secret: 'the cake is a lie', user: result.claims.sub });
    },
    async public() {
      return HttpResponse.json({ message: 'anyone may read this' });
    },
    async heartbeat(request) {
      const result = await authorize(request);
      if (!result.ok) return unauthorized(result.reason);
      return HttpResponse.json({ ok: true, exp: result.claims.exp });
    },
  };

  const handlers = (Object.keys(routes) as AuthRoute[]).map((route) =>
    http[routes[route].method](url(route), ({ request }) => answer(route, request, behaviour[route])),
  );

  function releaseAll() {
    for (const gate of gates.values()) gate.open();
    gates = new Map();
  }

  return {
    handlers,
    backend,
    url,
    counters: () => ({ ...backend.stats(), requests: { ...requests }, refreshRejected, faults: faultsServed }),
    inject(route, fault, { times = 1, phase = 'before' } = {}) {
      faults.set(route, [...(faults.get(route) ?? []), { fault, remaining: times, phase }]);
    },
    clearFaults() {
      faults = new Map();
    },
    setLatency(next) {
      latency = next;
    },
    hold(route) {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      const gate = { waiting: 0, opened, open };
      gates.set(route, gate);
      return {
        get waiting() {
          return gate.waiting;
        },
        release() {
          if (gates.get(route) === gate) gates.delete(route);
          gate.open();
        },
      };
    },
    expireAccessTokens: () => backend.expireAccessTokens(),
    revokeRefreshTokens: () => backend.revokeRefreshTokens(),
    reset() {
      era += 1;
      backend.reset();
      releaseAll();
      faults = new Map();
      latency = options.latency ?? 0;
      requests = emptyRequests();
      refreshRejected = 0;
      faultsServed = 0;
    },
  };
}
