// User code for docs/streams.md, as an app would write it; the page of test/e2e/graphqlWs.e2e.ts runs it
// in each browser engine.
// --- snippet: graphql-ws ---
import { createClient, type ClientOptions } from 'graphql-ws';
import type { AuthSession } from 'tokenflight';
import { withSessionAuth } from 'tokenflight/graphql-ws';

/** `url`: your GraphQL endpoint (wss://api.example.com/graphql); `options`: graphql-ws's own, if any. */
export function createGraphqlClient(session: AuthSession, url: string, options: Omit<ClientOptions, 'url'> = {}) {
  // The token goes to this endpoint's origin only.
  return createClient(withSessionAuth(session, { ...options, url }, { origins: [new URL(url).origin] }));
}
// --- end of snippet ---
