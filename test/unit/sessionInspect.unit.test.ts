import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createAuthSession, type AuthSession, type AuthSessionOptions } from '../../src/createAuthSession.js';
import { memoryStorage } from '../../src/storage.js';
import { inspect } from '../../src/inspect/index.js';
import { REDACTED } from '../../src/inspect/redact.js';
import { refreshingSession, startSession, tokenInput } from '../support/session.js';

const sessions: AuthSession[] = [];
function session(options: Partial<AuthSessionOptions>) {
  const created = createAuthSession({ refresh: () => new Promise(() => {}), random: () => 0.5, ...options });
  sessions.push(created);
  return created;
}

/** An inspector that keeps every event it is shown, as JSON so later changes cannot alter it. */
function recordingInspector() {
  const seen: string[] = [];
  const inspect = (event: InspectionEvent) => void seen.push(JSON.stringify(event));
  return { inspect, seen, eventsSent: (type: string) => seen.filter((text) => text.includes(`"type":"${type}"`)) };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  for (const created of sessions.splice(0)) created.stop();
  vi.useRealTimers();
});

describe('a session with an inspector', () => {
  it('redacts an access token that comes without a refresh token', () => {
    const inspector = recordingInspector();
    const user = session({ plugins: [inspect(inspector.inspect)] });
    user.login({ accessToken: 'access-only-token', expiresIn: 600 });
    expect(user.status).toBe('idle');
    expect(inspector.eventsSent('LOGIN')).not.toHaveLength(0);
    expect(inspector.seen.join('\n')).not.toContain('access-only-token');
  });

  it('logs out cleanly: storage is cleared and subscribers see loggedOut', () => {
    const inspector = recordingInspector();
    const storage = memoryStorage();
    const user = session({ plugins: [inspect(inspector.inspect)], storage, tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 600 } });
    const statuses: string[] = [];
    user.subscribe((snapshot) => statuses.push(snapshot.status));
    expect(storage.load()).toMatchObject({ accessToken: 'a0' });
    user.logout();
    expect(storage.load()).toBeNull();
    expect(statuses).toEqual(['idle', 'loggedOut']);
  });

  it('hands out a usable token without sending the machine any event', async () => {
    const inspector = recordingInspector();
    const user = session({ plugins: [inspect(inspector.inspect)], tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 600 } });
    const before = inspector.seen.length;
    await expect(user.getToken()).resolves.toMatchObject({ accessToken: 'a0' });
    expect(inspector.seen.slice(before)).toEqual([]);
  });

  it('shows an inspector (function or observer) every token redacted', () => {
    const seen: unknown[] = [];
    refreshingSession({ plugins: [inspect((event) => seen.push(event))], tokens: tokenInput('visible-token') }).session.login(tokenInput('second-token'));
    const observed: unknown[] = [];
    refreshingSession({ plugins: [inspect({ next: (event) => observed.push(event) })], tokens: tokenInput('other-token') });
    const text = JSON.stringify([seen, observed], (_, value: unknown) => (typeof value === 'object' && value && 'send' in value ? '[actor]' : value));
    expect(seen.length).toBeGreaterThan(0);
    expect(observed.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/visible-token|second-token|other-token|r-visible/);
    expect(text).toContain(REDACTED);
  });

  it('hides a token the session held wherever it appears in what an inspector sees, error messages included', async () => {
    const seen: string[] = [];
    const user = startSession({
      // The error's message is the token itself (tokens inside longer strings: see the redaction fix on branch viz).
      refresh: async ({ refreshToken }) => Promise.reject(new Error(String(refreshToken))),
      retry: { retries: 0 },
      tokens: tokenInput('initial-access'),
      plugins: [inspect((event) => seen.push(JSON.stringify('snapshot' in event ? event.snapshot : null, (_, v: unknown) => (typeof v === 'object' && v && 'send' in v ? 0 : v))))],
    });
    await expect(user.refresh()).rejects.toThrow('r-initial-access');
    user.login(tokenInput('second-access'));
    const stale = user.unauthorized('second-access');
    user.logout();
    await expect(stale).rejects.toMatchObject({ name: 'LoggedOutError' });
    const text = seen.join('\n');
    expect(text).toContain(`"message":"${REDACTED}"`);
    expect(text).not.toMatch(/initial-access|second-access/);
  });

  it('redacts refreshed tokens too', async () => {
    const seen: string[] = [];
    let round = 0;
    const user = startSession({
      refresh: async ({ refreshToken }) => (++round === 1 ? tokenInput('fresh-access', 600) : Promise.reject(new Error(String(refreshToken)))),
      retry: { retries: 0 },
      plugins: [inspect((event) => seen.push(JSON.stringify('snapshot' in event ? event.snapshot : null, (_, v: unknown) => (typeof v === 'object' && v && 'send' in v ? 0 : v))))],
    });
    user.login(tokenInput('a1', 600));
    await user.refresh();
    await expect(user.refresh()).rejects.toThrow('r-fresh-access');
    expect(seen.join('\n')).toContain(`"message":"${REDACTED}"`);
    expect(seen.join('\n')).not.toContain('r-fresh-access');
  });

  it('takes an inspector observer without next', () => {
    expect(() => startSession({ refresh: async () => tokenInput('a2'), plugins: [inspect({ complete: () => {} })] }).login(tokenInput('a1'))).not.toThrow();
  });
});
