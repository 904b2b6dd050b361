// @vitest-environment jsdom
import { join } from 'node:path';
import { flushSync, mount, unmount, type Component } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { sessionState } from 'tokenflight/svelte';
import { refreshStub } from './support/refreshStub.js';
import { compileSvelte } from './support/svelteCompile.js';

const sessions: AuthSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

const tokens = (n: number) => ({ accessToken: `a${n}`, refreshToken: `r${n}`, expiresIn: 3600 });

type Badge = Component<{ session: AuthSession; onStatus: (status: string) => void }>;

/** What the compiler made of SessionBadge.svelte: a module whose default export is a component (a function). */
function isBadgeModule(value: unknown): value is { default: Badge } {
  return typeof value === 'object' && value !== null && 'default' in value && typeof value.default === 'function';
}

async function loadBadge(): Promise<Badge> {
  const compiled = compileSvelte(join(process.cwd(), 'test/svelte/SessionBadge.svelte'));
  const module: unknown = await import(/* @vite-ignore */ compiled);
  if (!isBadgeModule(module)) throw new Error(`${compiled} exports no component`);
  return module.default;
}

describe('tokenflight/svelte, in a compiled Svelte 5 component', () => {
  it('renders each change; a $derived status re-runs its effect only when the status changes', async () => {
    const SessionBadge = await loadBadge();
    const stub = refreshStub();
    const session = createAuthSession({ refresh: stub.refresh });
    sessions.push(session);
    const statuses: string[] = [];
    const target = document.createElement('div');
    const badge = mount(SessionBadge, { target, props: { session, onStatus: (status) => statuses.push(status) } });
    flushSync();
    expect(target.textContent.trim()).toBe('loggedOut');
    session.login(tokens(0));
    flushSync();
    expect(target.textContent.replace(/\s+/g, ' ').trim()).toBe('idle a0');
    // Only the tokens change.
    session.login(tokens(1));
    flushSync();
    expect(target.querySelector('b')?.textContent).toBe('a1');
    const refreshed = session.refresh();
    flushSync();
    stub.last().answer.resolve(tokens(2));
    await refreshed;
    flushSync();
    expect(target.querySelector('b')?.textContent).toBe('a2');
    session.logout();
    flushSync();
    expect(target.textContent.trim()).toBe('loggedOut');
    expect(statuses).toEqual(['loggedOut', 'idle', 'refreshing', 'idle', 'loggedOut']);
    await unmount(badge);
  });

  it('reads the session as it is outside reactive code, and refuses what is not a session', () => {
    const session = createAuthSession({ refresh: refreshStub().refresh });
    sessions.push(session);
    const auth = sessionState(session);
    expect(auth.status).toBe('loggedOut');
    session.login(tokens(0));
    expect([auth.status, auth.tokens?.accessToken, auth.current]).toEqual(['idle', 'a0', session.getSnapshot()]);
    expect(() => sessionState({} as AuthSession)).toThrow(
      "tokenflight: sessionState's first argument (session) must be a session from createAuthSession(); call sessionState(session, options), got an object",
    );
  });
});
