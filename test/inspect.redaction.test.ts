import { createBrowserInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createAuthSession, type RefreshContext } from '../src/createAuthSession.js';
import { RefreshRejectedError } from '../domain/errors/RefreshRejectedError.js';
import { SessionExpiredError } from '../domain/errors/SessionExpiredError.js';
import { REDACTED, redactInspectionEvent, redactTokens } from '../src/inspect/redact.js';
import type { CamelTokenInput as TokenInput } from '../domain/tokens.js';
import { inspect } from '../src/inspect/index.js';

/**
 * Every string reachable from `root`: own properties (enumerable or not), Map and Set entries,
 * and whatever `getSnapshot()` returns, so live actor references and their children count too.
 */
function reachableStrings(root: unknown): string[] {
  const strings: string[] = [];
  const seen = new WeakSet<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') strings.push(value);
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
    seen.add(value);
    if (typeof value === 'function') continue; // closures cannot be read, only their properties
    if (value instanceof Map) stack.push(...value.keys(), ...value.values());
    if (value instanceof Set) stack.push(...value.values());
    const getSnapshot = (value as { getSnapshot?: unknown }).getSnapshot;
    if (typeof getSnapshot === 'function') {
      try {
        stack.push(getSnapshot.call(value));
      } catch {
        // a stopped or foreign actor may refuse; its properties are still walked below
      }
    }
    for (const key of [...Object.getOwnPropertyNames(value), ...Object.getOwnPropertySymbols(value)]) {
      if (typeof key === 'string') strings.push(key);
      try {
        stack.push((value as Record<PropertyKey, unknown>)[key]);
      } catch {
        // a throwing getter holds nothing we could leak
      }
    }
  }
  return strings;
}

function leaks(root: unknown, secrets: readonly string[]): string[] {
  const strings = reachableStrings(root);
  return secrets.filter((secret) => strings.some((text) => text.includes(secret)));
}

/** A JWT-shaped token with `iat`/`exp`, so the session reads its lifetime from the token itself. */
function jwt(id: string, lifetimeSeconds: number): string {
  const iat = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: 'ada', jti: id, iat, exp: iat + lifetimeSeconds })}.sig-${id}`;
}

/** A rotating refresh endpoint: every refresh token works once; steps queued in `next` run first. */
function createRefreshEndpoint() {
  const issued: string[] = [];
  let valid: string | null = null;
  let serial = 0;
  const mint = (prefix: string) => {
    const token = `${prefix}-${++serial}-${Math.random().toString(36).slice(2)}`;
    issued.push(token);
    return token;
  };
  const next: Array<(context: RefreshContext) => Promise<TokenInput>> = [];
  function rotate(tokens: Partial<TokenInput> = {}): TokenInput {
    valid = mint('refresh');
    return { accessToken: mint('access'), refreshToken: valid, expiresIn: 60, ...tokens };
  }
  return {
    issued,
    next,
    calls: 0,
    current: () => valid,
    login: () => rotate(),
    jwtAnswer: (): TokenInput => {
      const accessToken = jwt(`jwt-${++serial}`, 60);
      issued.push(accessToken);
      return { ...rotate(), accessToken, expiresIn: undefined };
    },
    async refresh(context: RefreshContext): Promise<TokenInput> {
      this.calls++;
      const step = next.shift();
      if (step) return step(context);
      if (context.refreshToken !== valid) throw new RefreshRejectedError('refresh token reused', { status: 401 });
      return rotate();
    },
  };
}

describe('inspection redaction', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('no token reaches an inspector: a plain observer or the Stately browser inspector, over a whole session', async () => {
    const endpoint = createRefreshEndpoint();
    const heartbeatAnswers: boolean[] = [];
    const plainEvents: InspectionEvent[] = [];
    // What the Stately browser inspector would postMessage to its window, serialized its own way.
    const statelyEvents: StatelyInspectionEvent[] = [];
    const fakeWindow = { open: () => null, addEventListener: () => {} } as unknown as Window;
    const stately = createBrowserInspector({ window: fakeWindow, send: (event) => statelyEvents.push(event) });

    const session = createAuthSession({
      refresh: (context) => endpoint.refresh(context),
      heartbeat: async () => heartbeatAnswers.shift() ?? true,
      heartbeatInterval: 10_000,
      refreshMargin: 5_000,
      refreshTimeout: 1_000,
      retry: { retries: 1, minDelay: 100, maxDelay: 100 },
      random: () => 0.5,
      plugins: [inspect({
        next(event) {
          plainEvents.push(event);
          stately.inspect.next?.(event);
        },
      })],
    });
    const statuses = new Set<string>();
    session.subscribe(({ status }) => statuses.add(status));

    // Login, and a token handed out at once.
    const first = endpoint.login();
    session.login(first);
    expect((await session.getToken()).accessToken).toBe(first.accessToken);

    // A heartbeat that says the session is fine.
    await vi.advanceTimersByTimeAsync(10_000);

    // Two concurrent 401s: one refresh, and the refresh token rotates.
    const [a, b] = await Promise.all([session.unauthorized(first.accessToken), session.unauthorized(first.accessToken)]);
    expect(a.accessToken).toBe(b.accessToken);
    expect(endpoint.calls).toBe(1);

    // A stale 401 (sent with the old token) gets the new token without a refresh.
    expect((await session.unauthorized(first.accessToken)).accessToken).toBe(a.accessToken);
    expect(endpoint.calls).toBe(1);

    // A heartbeat that says the session is gone starts a refresh.
    heartbeatAnswers.push(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(endpoint.calls).toBe(2);

    // A transient failure whose message carries the refresh token, then a retry after backoff.
    endpoint.next.push(async ({ refreshToken }) => {
      throw new Error(`upstream refused ${refreshToken}`);
    });
    const retried = session.refresh();
    await vi.advanceTimersByTimeAsync(200);
    await retried;
    expect(statuses.has('refreshing')).toBe(true);

    // A refresh that hangs: timed out, aborted, retried. While it hangs, the refresh actor's
    // input holds the refresh token (the walker must see it there, or it proves nothing).
    endpoint.next.push(({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    const timedOut = session.refresh();
    await vi.advanceTimersByTimeAsync(10);
    expect(leaks(session.actor, [endpoint.current()!])).toEqual([endpoint.current()]);
    await vi.advanceTimersByTimeAsync(1_200);
    await timedOut;

    // Proactive refresh before expiry, answered with a JWT whose lifetime the session reads.
    const proactive = endpoint.jwtAnswer();
    endpoint.next.push(async () => proactive);
    await vi.advanceTimersByTimeAsync(56_000);
    expect(session.tokens?.accessToken).toBe(proactive.accessToken);

    // Logout, login again, and a refresh the server rejects: the session expires.
    session.logout();
    session.login(endpoint.login());
    endpoint.next.push(async ({ refreshToken }) => {
      throw new RefreshRejectedError(`refresh token ${refreshToken} was revoked`, { status: 401 });
    });
    await expect(session.refresh()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(session.status).toBe('expired');
    await expect(session.getToken()).rejects.toBeInstanceOf(SessionExpiredError);

    session.stop();
    await vi.advanceTimersByTimeAsync(50); // the Stately inspector converts events on a later tick

    // The scenario went everywhere, and both inspectors saw it.
    expect([...statuses].sort()).toEqual(['expired', 'idle', 'loggedOut', 'refreshing']);
    expect(endpoint.issued.length).toBeGreaterThanOrEqual(14);
    const types = new Set(plainEvents.map((event) => event.type));
    expect([...types].sort()).toEqual(['@xstate.action', '@xstate.actor', '@xstate.event', '@xstate.microstep', '@xstate.snapshot']);
    const childActors = statelyEvents.filter((event) => event.type === '@xstate.actor' && event.parentId !== undefined);
    expect(childActors.length).toBeGreaterThanOrEqual(8); // every refresh and heartbeat actor

    // The proof: not one token anywhere in what either inspector received or can reach.
    expect(leaks(plainEvents, endpoint.issued)).toEqual([]);
    expect(leaks(statelyEvents, endpoint.issued)).toEqual([]);
    const serialized = JSON.stringify(statelyEvents);
    expect(endpoint.issued.filter((token) => serialized.includes(token))).toEqual([]);
    // ...while the redaction left the useful parts in place.
    expect(serialized).toContain('[redacted]');
    expect(serialized).toContain('backingOff');
    expect(serialized).toContain('RefreshRejectedError');
  });

  it('a snapshot seen through the redaction still answers matches() and hasTag(), and serializes without them', () => {
    const endpoint = createRefreshEndpoint();
    const seen: InspectionEvent[] = [];
    const session = createAuthSession({ refresh: (context) => endpoint.refresh(context), plugins: [inspect((event) => seen.push(event))] });
    const tokens = endpoint.login();
    session.login(tokens);
    const last = seen.filter((event) => event.type === '@xstate.snapshot').at(-1)!;
    const snapshot = last.actorRef.getSnapshot() as { matches(value: string): boolean; context: { tokens: unknown } };
    expect(snapshot.matches('idle')).toBe(true);
    expect(snapshot.context.tokens).toEqual({ accessToken: REDACTED, refreshToken: REDACTED, expiresAt: tokens.expiresIn! * 1000 + Date.now(), tokenType: null, scope: null });
    expect(JSON.stringify(snapshot)).not.toContain('matches');
    expect(() => last.actorRef.send({ type: 'LOGOUT' })).toThrow(/read-only/);
    session.stop();
  });

  it('redacts tokens inside longer strings, ignores empty secrets, and cuts off what nests too deep', () => {
    const secrets = new Set(['', 'tok-123']);
    expect(redactTokens({ message: 'Bearer tok-123 refused', other: 'fine' }, secrets)).toEqual({
      message: `Bearer ${REDACTED} refused`,
      other: 'fine',
    });
    let deep: unknown = 'tok-123';
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(JSON.stringify(redactTokens(deep, secrets))).not.toContain('tok-123');
    const error = Object.assign(new Error('tok-123 was revoked'), { response: { body: 'tok-123' } });
    expect(redactTokens(error, secrets)).toEqual({ name: 'Error', message: `${REDACTED} was revoked` });
    const future = { type: '@xstate.future', rootId: 'x', actorRef: { sessionId: 'x', send() {}, getSnapshot: () => ({}) }, payload: { accessToken: 'tok-123' } };
    expect(JSON.stringify(redactInspectionEvent(future as unknown as InspectionEvent, secrets))).not.toContain('tok-123');
  });

  it('the leak detector finds a token in a live actor, so a clean result means something', () => {
    const endpoint = createRefreshEndpoint();
    const session = createAuthSession({ refresh: (context) => endpoint.refresh(context) });
    const tokens = endpoint.login();
    session.login(tokens);
    expect(leaks(session.actor, [tokens.accessToken, tokens.refreshToken!])).toEqual([tokens.accessToken, tokens.refreshToken]);
    session.stop();
  });
});
