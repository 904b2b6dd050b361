// @vitest-environment jsdom
import { act, StrictMode, useLayoutEffect } from 'react';
import { createRoot, hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthSession, RefreshRejectedError, type AuthSession } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';
import { useSession, useSessionStatus } from 'tokenflight/react';
import { API, useApi } from './support/api.js';
import { refreshStub } from './support/refreshStub.js';
import { StatusBadge, TokenExpiry } from './userCode/reactComponents.js';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

const { api, session: apiSession } = useApi();
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
  // A test that rendered outside act (StrictMode below) turned this off; act warns unless it is on.
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  act(() => root.unmount());
  container.remove();
  for (const session of sessions.splice(0)) session.stop();
});

function guestSession() {
  const stub = refreshStub();
  const session = createAuthSession({ refresh: stub.refresh });
  sessions.push(session);
  return { session, stub };
}

const tokens = (n: number) => ({ accessToken: `a${n}`, refreshToken: `r${n}`, expiresIn: 3600 });

describe('tokenflight/react: a component re-renders only when its slice changes', () => {
  it('counts renders per slice through login, a token-only change, a refresh and logout', async () => {
    const { session, stub } = guestSession();
    const renders = { status: 0, token: 0, whole: 0 };
    function CountedStatus() {
      renders.status += 1;
      return <span>{useSessionStatus(session)}</span>;
    }
    function CountedToken() {
      renders.token += 1;
      return <span>{useSession(session, (snapshot) => snapshot.tokens?.accessToken ?? '-')}</span>;
    }
    function CountedWhole() {
      renders.whole += 1;
      const { status, tokens } = useSession(session);
      return <span>{`${status}:${tokens?.accessToken ?? '-'}`}</span>;
    }
    const Counted = ({ name, children }: { name: string; children: React.ReactNode }) => <p id={name}>{children}</p>;
    // Each probe is its own child of a parent that never re-renders, so each counts only its own renders.
    act(() =>
      root.render(
        <>
          <Counted name="status">
            <CountedStatus />
          </Counted>
          <Counted name="token">
            <CountedToken />
          </Counted>
          <Counted name="whole">
            <CountedWhole />
          </Counted>
          <StatusBadge session={session} />
          <TokenExpiry session={session} />
        </>,
      ),
    );
    const text = (id: string) => container.querySelector(`#${id}`)?.textContent;
    expect([text('status'), text('token'), text('whole')]).toEqual(['loggedOut', '-', 'loggedOut:-']);
    expect(container.querySelector('time')?.textContent).toBe('-');

    act(() => session.login(tokens(0)));
    // Only the tokens change: idle stays idle.
    act(() => session.login(tokens(1)));
    expect([text('status'), text('token'), text('whole')]).toEqual(['idle', 'a1', 'idle:a1']);
    expect(container.querySelector('time')?.textContent).toMatch(/^\d{4}-/);
    let refreshed!: Promise<unknown>;
    act(() => {
      refreshed = session.refresh();
    });
    await act(async () => {
      stub.last().answer.resolve(tokens(2));
      await refreshed;
    });
    act(() => session.logout());
    expect([text('status'), text('token'), text('whole')]).toEqual(['loggedOut', '-', 'loggedOut:-']);
    // Snapshots: loggedOut, idle a0, idle a1, refreshing a1, idle a2, loggedOut.
    expect(renders.whole).toBe(6);
    // Statuses: loggedOut, idle, refreshing, idle, loggedOut; the token-only change is not among them.
    expect(renders.status).toBe(5);
    // Tokens: -, a0, a1, a2, -; the refreshing step kept a1.
    expect(renders.token).toBe(5);
  });

  it('compares an object slice with isEqual, so an equal new object is no change', () => {
    const { session } = guestSession();
    let renders = 0;
    const sameUser = (a: { signedIn: boolean }, b: { signedIn: boolean }) => a.signedIn === b.signedIn;
    function Probe() {
      renders += 1;
      const { signedIn } = useSession(session, (snapshot) => ({ signedIn: snapshot.tokens !== null }), sameUser);
      return <span>{String(signedIn)}</span>;
    }
    act(() => root.render(<Probe />));
    act(() => session.login(tokens(0)));
    act(() => session.login(tokens(1)));
    act(() => session.login(tokens(2)));
    expect(container.textContent).toBe('true');
    expect(renders).toBe(2);
  });
});

describe('tokenflight/react on the server', () => {
  it('renders no user on the server and while hydrating, then the browser’s session, without a mismatch', async () => {
    const { session } = guestSession();
    session.login(tokens(0));
    function Badge() {
      return <span>{useSessionStatus(session)}</span>;
    }
    const html = renderToString(<Badge />);
    expect(html).toBe('<span>loggedOut</span>');
    const host = document.createElement('div');
    host.innerHTML = html;
    const errors: unknown[] = [];
    const seen: string[] = [];
    function Seen() {
      const status = useSessionStatus(session);
      useLayoutEffect(() => void seen.push(status));
      return <span>{status}</span>;
    }
    let hydrated!: Root;
    await act(async () => {
      hydrated = hydrateRoot(host, <Seen />, { onRecoverableError: (error) => errors.push(error) });
    });
    expect(host.textContent).toBe('idle');
    expect(seen).toEqual(['loggedOut', 'idle']);
    expect(errors).toEqual([]);
    act(() => hydrated.unmount());
  });
});

describe('tokenflight/react under StrictMode', () => {
  it('renders login, a burst with one refresh, expiry and logout; double effects neither refresh nor log out', async () => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = false;
    let refreshes = 0;
    const session = apiSession({
      tokens: undefined,
      refresh: async () => {
        refreshes += 1;
        if (refreshes > 1) throw new RefreshRejectedError();
        return tokens(1);
      },
    });
    const authFetch = createAuthFetch(session, { origins: [API] });
    const committed: string[] = [];
    function App() {
      const status = useSessionStatus(session);
      useLayoutEffect(() => void committed.push(status), [status]);
      return <p>{status}</p>;
    }
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
    const shows = (status: string) =>
      new Promise<void>((resolve) => {
        const check = () => (container.textContent === status ? resolve() : setTimeout(check, 2));
        check();
      });
    await shows('loggedOut');
    session.login(tokens(0));
    await shows('idle');
    // a0 has expired at the server: ten requests at once, one refresh, ten replays.
    api.acceptOnly('a1');
    const answers = await Promise.all(Array.from({ length: 10 }, () => authFetch(`${API}/secret`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(refreshes).toBe(1);
    await shows('idle');
    await expect(session.refresh()).rejects.toThrow();
    await shows('expired');
    session.logout();
    await shows('loggedOut');
    expect(refreshes).toBe(2);
    // StrictMode ran each effect twice on mount; it changed nothing in the session.
    expect(committed.filter((status, index) => status !== committed[index - 1])).toEqual([
      'loggedOut',
      'idle',
      'refreshing',
      'idle',
      'refreshing',
      'expired',
      'loggedOut',
    ]);
  });
});

describe('tokenflight/react misuse', () => {
  it('names a missing session instead of failing inside React', () => {
    function Probe({ session }: { session: AuthSession }) {
      return <span>{useSessionStatus(session)}</span>;
    }
    const failing = createRoot(document.createElement('div'));
    expect(() => act(() => failing.render(<Probe session={undefined as unknown as AuthSession} />))).toThrow(
      "tokenflight: useSession's first argument (session) must be a session from createAuthSession(); call useSession(session, options), got undefined",
    );
    act(() => failing.unmount());
  });
});
