// User code for docs/streams.md, as an app would write it; test/dataLayers.test.ts runs it.
// --- snippet: apollo ---
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { createAuthFetch } from 'tokenflight/fetch';
import type { AuthSession } from 'tokenflight';

/** `session`: your app's session; `graphqlUrl`: your GraphQL endpoint. */
export function createApolloClient(session: AuthSession, graphqlUrl: string): ApolloClient {
  const authFetch = createAuthFetch(session, { origins: [new URL(graphqlUrl).origin] });
  // No error link with refresh code: the fetch refreshes once and replays.
  return new ApolloClient({
    link: new HttpLink({ uri: graphqlUrl, fetch: authFetch }),
    cache: new InMemoryCache(),
  });
}
// --- end of snippet ---

// --- snippet: urql ---
import { Client, fetchExchange } from '@urql/core';

export function createUrqlClient(session: AuthSession, graphqlUrl: string): Client {
  const authFetch = createAuthFetch(session, { origins: [new URL(graphqlUrl).origin] });
  return new Client({ url: graphqlUrl, exchanges: [fetchExchange], fetch: authFetch, requestPolicy: 'network-only' });
}
// --- end of snippet ---

// --- snippet: tanstack-query ---
import { QueryClient } from '@tanstack/query-core'; // or @tanstack/react-query, vue-query, …
import { LoggedOutError, SessionExpiredError } from 'tokenflight';

export function sessionQueryClient(session: AuthSession): { queryClient: QueryClient; unwatch: () => void } {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // Retrying cannot bring an ended session back: the user has to log in again.
        retry: (failureCount, error) =>
          !(error instanceof SessionExpiredError || error instanceof LoggedOutError) && failureCount < 3,
      },
    },
  });
  // A refresh changes nothing the queries showed. A logout cancels what is in flight and drops
  // the data. On expiry, queries waiting for the failed refresh first fail with
  // SessionExpiredError (the UI can say "log in again"), then the data goes.
  const stops = [
    session.on('logout', () => {
      void queryClient.cancelQueries();
      queryClient.clear();
    }),
    session.on('expired', () => setTimeout(() => queryClient.clear())),
  ];
  return { queryClient, unwatch: () => stops.forEach((stop) => stop()) };
}
// --- end of snippet ---
