/**
 * The page of the graphql-ws browser test: the browser's own WebSocket, graphql-ws's client with
 * withSessionAuth, and a session that logs in and refreshes over HTTP against the real auth API
 * (the page's origin). The test drives it through `window.streamPage`.
 */
import { createAuthSession } from 'tokenflight';
import { createGraphqlClient } from '../../userCode/graphqlClient.js';
import { logIn, refresh } from './authCalls.js';

const received: number[] = [];
const outcome: { error: string | null } = { error: null };
let stop = () => {};

async function start(socketUrl: string): Promise<void> {
  const session = createAuthSession({ refresh, tokens: await logIn() });
  // The app's own client (test/userCode/graphqlClient.ts), retrying at once after a drop rather than after graphql-ws's
  // randomised backoff of seconds, which would only slow the test down.
  const client = createGraphqlClient(session, socketUrl, {
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 10)),
  });
  const unsubscribe = client.subscribe<{ ticks: number }>(
    { query: 'subscription { ticks }' },
    {
      next: (result) => received.push(result.data?.ticks ?? -1),
      error: (error) => (outcome.error = error instanceof Error ? error.name : `close ${(error as CloseEvent).code}`),
      complete: () => undefined,
    },
  );
  stop = () => {
    unsubscribe();
    void client.dispose();
    session.stop();
  };
  window.streamPage.logout = () => session.logout();
}

declare global {
  interface Window {
    streamPage: {
      start(socketUrl: string): Promise<void>;
      received: number[];
      outcome: { error: string | null };
      logout(): void;
      stop(): void;
      webSocketIsNative: boolean;
    };
  }
}

window.streamPage = {
  start,
  received,
  outcome,
  logout: () => undefined,
  stop: () => stop(),
  webSocketIsNative: WebSocket.toString().includes('[native code]'),
};
