/**
 * The page of the tokenflight/sse browser test: the app's `listen` (test/userCode/events.ts) on the engine's
 * own fetch and streams, and a session that logs in and refreshes over HTTP against the real auth API (the
 * page's origin). The test drives it through `window.ssePage`.
 */
import { createAuthSession } from 'tokenflight';
import { listen } from '../../userCode/events.js';
import { logIn, refresh } from './authCalls.js';

const received: number[] = [];
const outcome: { error: string | null } = { error: null };
let stop = () => {};

async function start(url: string): Promise<void> {
  const session = createAuthSession({ refresh, tokens: await logIn() });
  const source = listen(
    session,
    url,
    (data) => received.push(Number(data)),
    (error) => (outcome.error = error.name),
  );
  stop = () => {
    source.close();
    session.stop();
  };
  window.ssePage.logout = () => session.logout();
}

declare global {
  interface Window {
    ssePage: {
      start(url: string): Promise<void>;
      received: number[];
      outcome: { error: string | null };
      logout(): void;
      stop(): void;
    };
  }
}

window.ssePage = { start, received, outcome, logout: () => undefined, stop: () => stop() };
