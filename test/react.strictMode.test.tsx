// @vitest-environment jsdom
// docs/frameworks.md: where the session lives in a React app, and why StrictMode does not hurt it.
import { act, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createAuthSession, RefreshRejectedError, webStorage, type AuthSession } from 'tokenflight';
import { useSessionStatus } from 'tokenflight/react';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

let refreshes = 0;
const refresh = async () => {
  refreshes += 1;
  throw new RefreshRejectedError();
};

// --- snippet: react-session ---
// session.ts: one session for the whole app, created once when the module is first imported.
// Not in a component: a render or an effect may run twice.
export const session = createAuthSession({ refresh, storage: webStorage(() => localStorage) });

export function App() {
  const status = useSessionStatus(session);
  const [notice, setNotice] = useState('');
  // Effects only subscribe and unsubscribe (session.on returns the unsubscribe function), so
  // StrictMode's mount, unmount, mount in development leaves one listener.
  useEffect(() => session.on('expired', () => setNotice('Your session expired. Please log in again.')), []);
  if (status === 'idle' || status === 'refreshing') return <p>Welcome back</p>;
  return <p>{notice || 'Please log in'}</p>;
}
// --- end of snippet ---

afterAll(() => session.stop());

describe('React under StrictMode', () => {
  it('keeps the one module-scope session, with one listener per effect', async () => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = false;
    const root = document.createElement('div');
    root.id = 'root';
    document.body.append(root);
    const mounts = vi.fn();
    const original = session.on;
    session.on = ((...args: Parameters<AuthSession['on']>) => {
      mounts();
      return original(...args);
    }) as AuthSession['on'];

    // --- snippet: react-render ---
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
    // --- end of snippet ---
    await vi.waitFor(() => expect(root.textContent).toBe('Please log in'), { timeout: 5_000 });
    // StrictMode ran the effect twice, cleaning up in between (effects run after the first paint).
    await vi.waitFor(() => expect(mounts).toHaveBeenCalledTimes(2), { timeout: 5_000 });

    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    await vi.waitFor(() => expect(root.textContent).toBe('Welcome back'), { timeout: 5_000 });
    await expect(session.refresh()).rejects.toThrow();
    await vi.waitFor(() => expect(root.textContent).toBe('Your session expired. Please log in again.'), {
      timeout: 5_000,
    });
    expect(refreshes).toBe(1);
    expect(session.status).toBe('expired');
    session.on = original;
  });

  it('would create and stop a second session if it lived in an effect', () => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = true;
    const created: AuthSession[] = [];
    function Wrong() {
      useEffect(() => {
        const own = createAuthSession({ refresh });
        created.push(own);
        return () => own.stop();
      }, []);
      return null;
    }
    const container = document.createElement('div');
    const reactRoot = createRoot(container);
    act(() =>
      reactRoot.render(
        <StrictMode>
          <Wrong />
        </StrictMode>,
      ),
    );
    expect(created).toHaveLength(2); // the first one was stopped at once: its listeners and waiters are gone
    act(() => reactRoot.unmount());
  });
});
