// @vitest-environment jsdom
import { useSelector } from '@xstate/react';
import { act, startTransition, useLayoutEffect, useState, useEffect } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession, type AuthStatus } from 'tokenflight';
import { useSession } from 'tokenflight/react';
import { refreshStub } from './support/refreshStub.js';
import { RefreshSpinner, SessionBadge } from './userCode/reactComponents.js';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

let container: HTMLDivElement;
let root: Root;
const sessions: AuthSession[] = [];

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  act(() => root.unmount());
  container.remove();
  for (const session of sessions.splice(0)) session.stop();
});

function guestSession(options: { heartbeat?: () => Promise<boolean> } = {}) {
  const stub = refreshStub();
  const session = createAuthSession({ refresh: stub.refresh, ...options, heartbeatInterval: 50 });
  sessions.push(session);
  return { session, stub };
}

describe('React 19', () => {
  it('useSession re-renders on each status change and token change', async () => {
    const { session, stub } = guestSession();
    const seen: string[] = [];
    function Probe() {
      const { status, tokens } = useSession(session);
      seen.push(`${status}:${tokens?.accessToken ?? '-'}`);
      return <SessionBadge session={session} />;
    }
    act(() => root.render(<Probe />));
    act(() => session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 }));
    expect(container.textContent).toBe('idle');
    let refreshed!: Promise<unknown>;
    act(() => {
      refreshed = session.refresh();
    });
    expect(container.textContent).toBe('refreshing');
    await act(async () => {
      stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
      await refreshed;
    });
    act(() => session.logout());
    expect(container.textContent).toBe('loggedOut');
    expect(seen).toEqual(['loggedOut:-', 'idle:a0', 'refreshing:a0', 'idle:a1', 'loggedOut:-']);
  });

  it('does not re-render for the machine’s inner steps (a heartbeat check)', async () => {
    let answerHeartbeat!: (valid: boolean) => void;
    const { session } = guestSession({
      heartbeat: () => new Promise<boolean>((resolve) => (answerHeartbeat = resolve)),
    });
    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    let renders = 0;
    function Probe() {
      renders += 1;
      return <SessionBadge session={session} />;
    }
    act(() => root.render(<Probe />));
    await act(() => new Promise((resolve) => setTimeout(resolve, 80)));
    expect(session.actor.getSnapshot().matches({ idle: 'checking' })).toBe(true);
    await act(async () => answerHeartbeat(true));
    expect(session.actor.getSnapshot().matches({ idle: 'waiting' })).toBe(true);
    expect(renders).toBe(1);
  });

  it('@xstate/react useSelector on session.actor follows the machine', async () => {
    const { session, stub } = guestSession();
    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    const seen: boolean[] = [];
    function Probe() {
      seen.push(useSelector(session.actor, (snapshot) => snapshot.matches('refreshing')));
      return <RefreshSpinner session={session} />;
    }
    act(() => root.render(<Probe />));
    expect(container.textContent).toBe('');
    let refreshed!: Promise<unknown>;
    act(() => {
      refreshed = session.refresh();
    });
    expect(container.textContent).toBe('refreshing…');
    await act(async () => {
      stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
      await refreshed;
    });
    expect(container.textContent).toBe('');
    expect(seen).toEqual([false, true, false]);
  });
});

describe('concurrent rendering', () => {
  /** A slow subtree React yields inside of; each item shows the status it read. */
  function renderSlowList(
    useStatus: () => AuthStatus,
    onCommit: (statuses: string[]) => void,
    rendered: string[],
    midway: () => void,
  ) {
    function Item() {
      const status = useStatus();
      rendered.push(status);
      // A timer the store changes in, which runs the next time React yields to the event loop.
      if (rendered.length === 3) setTimeout(midway, 0);
      const until = performance.now() + 4;
      while (performance.now() < until) {
        // Burn time so the transition render spans several scheduler slices.
      }
      return <li>{status}</li>;
    }
    function List() {
      useLayoutEffect(() => {
        onCommit([...container.querySelectorAll('li')].map((li) => li.textContent));
      });
      return (
        <ul>
          {Array.from({ length: 12 }, (_, index) => (
            <Item key={index} />
          ))}
        </ul>
      );
    }
    startTransition(() => root.render(<List />));
  }

  async function renderWhileLoggingOut(useStatus: (session: AuthSession) => AuthStatus) {
    globalThis.IS_REACT_ACT_ENVIRONMENT = false;
    const { session } = guestSession();
    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    const commits: string[][] = [];
    const rendered: string[] = [];
    // The status changes while React is halfway through the transition render.
    renderSlowList(
      () => useStatus(session),
      (statuses) => commits.push(statuses),
      rendered,
      () => session.logout(),
    );
    for (let i = 0; i < 100 && commits.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { commits, rendered };
  }

  it('never tears: every commit shows one status, even when it changes mid-render', async () => {
    const { commits, rendered } = await renderWhileLoggingOut((session) => useSession(session).status);
    // The change really landed mid-render: some items read idle, later ones loggedOut.
    expect(rendered).toContain('idle');
    expect(rendered).toContain('loggedOut');
    expect(commits.length).toBeGreaterThan(0);
    for (const statuses of commits) expect(new Set(statuses).size).toBe(1);
    expect(commits.at(-1)?.[0]).toBe('loggedOut');
  });

  it('(control) the same render tears with a naive useState + useEffect subscription', async () => {
    function useNaiveStatus(session: AuthSession): AuthStatus {
      const [status, setStatus] = useState(session.status);
      useEffect(() => session.subscribe((snapshot) => setStatus(snapshot.status)), [session]);
      return status;
    }
    const { commits } = await renderWhileLoggingOut(useNaiveStatus);
    expect(commits.some((statuses) => new Set(statuses).size > 1)).toBe(true);
  });
});
