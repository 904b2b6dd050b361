import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createAuthSession, type AuthSession, type AuthSessionOptions } from '../../src/createAuthSession.js';
import { memoryStorage } from '../../src/storage.js';
import { inspect } from '../../src/inspect/index.js';

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
});
