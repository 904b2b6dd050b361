/**
 * The page of the React browser test: an app under StrictMode that shows the session's status
 * with tokenflight/react, against the real auth API (the page's origin). Bundled once with the
 * root's React 19 and once with React 18 (test/e2e/react18); the test drives it through
 * `window.reactPage`.
 */
import { StrictMode, useEffect, useLayoutEffect, version } from 'react';
import { createRoot } from 'react-dom/client';
import { createAuthFetch } from '../../../src/fetch/index.js';
import { createAuthSession, RefreshRejectedError, type RefreshContext, type TokenInput } from '../../../src/index.js';
import { useSession, useSessionStatus } from '../../../src/react/index.js';

const post = (path: string, body: unknown, signal?: AbortSignal) =>
  fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

let refreshes = 0;
async function refresh({ refreshToken, signal }: RefreshContext): Promise<TokenInput> {
  refreshes += 1;
  const response = await post('/api/refresh', { refreshToken }, signal);
  if (response.status === 401) throw new RefreshRejectedError('refresh token rejected', { status: 401 });
  if (!response.ok) throw new Error(`refresh failed with ${response.status}`);
  return (await response.json()) as TokenInput;
}

const session = createAuthSession({ refresh, retry: { retries: 0 } });
const authFetch = createAuthFetch(session);
const committed: string[] = [];
const renders = { status: 0 };
let effectRuns = 0;
let expiredNotices = 0;

function Status() {
  renders.status += 1;
  const status = useSessionStatus(session);
  useLayoutEffect(() => void committed.push(status), [status]);
  return <p id="status">{status}</p>;
}

function Token() {
  const token = useSession(session, (snapshot) => snapshot.tokens?.accessToken ?? null);
  return <p id="token">{token === null ? 'none' : 'some'}</p>;
}

function App() {
  // Subscribes only: StrictMode's mount, unmount, mount leaves one listener.
  useEffect(() => {
    effectRuns += 1;
    return session.on('expired', () => (expiredNotices += 1));
  }, []);
  return (
    <>
      <Status />
      <Token />
    </>
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('the page has no #root');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

const reactPage = {
  version,
  committed,
  renders,
  counts: () => ({ refreshes, effectRuns, expiredNotices }),
  async login(): Promise<void> {
    session.login((await (await post('/api/login', { username: 'ada' })).json()) as TokenInput);
  },
  async burst(count: number): Promise<number[]> {
    const answers = await Promise.all(Array.from({ length: count }, () => authFetch('/api/secret')));
    return answers.map((answer) => answer.status);
  },
  refresh: () =>
    session.refresh().then(
      () => 'refreshed',
      (error: unknown) => (error instanceof Error ? error.name : 'error'),
    ),
  /** Only the tokens change: the same status with a new access token. */
  replaceTokens: () => session.login({ accessToken: 'replaced', refreshToken: 'r', expiresIn: 3600 }),
  logout: () => session.logout(),
};

declare global {
  interface Window {
    reactPage: typeof reactPage;
  }
}
window.reactPage = reactPage;
