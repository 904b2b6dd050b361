// @vitest-environment jsdom
// docs/frameworks.md: where the session lives in a React app, and why StrictMode does not hurt it.
import { act, StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createAuthSession, RefreshRejectedError, type AuthSession } from 'tokenflight';
import { session } from './userCode/session.js';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

// The app's refresh call (test/userCode/refresh.ts), refused by the auth server: the session expires.
const refresh = vi.hoisted(() => vi.fn());
vi.mock('./userCode/refresh.js', () => ({ refresh }));
refresh.mockRejectedValue(new RefreshRejectedError());

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

    await import('./userCode/main.js'); // renders the App into #root under StrictMode
    await vi.waitFor(() => expect(root.textContent).toBe('Please log in'), { timeout: 5_000 });
    // StrictMode ran the effect twice, cleaning up in between (effects run after the first paint).
    await vi.waitFor(() => expect(mounts).toHaveBeenCalledTimes(2), { timeout: 5_000 });

    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    await vi.waitFor(() => expect(root.textContent).toBe('Welcome back'), { timeout: 5_000 });
    await expect(session.refresh()).rejects.toThrow();
    await vi.waitFor(() => expect(root.textContent).toBe('Your session expired. Please log in again.'), {
      timeout: 5_000,
    });
    expect(refresh).toHaveBeenCalledTimes(1);
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
