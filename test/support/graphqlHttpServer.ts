/**
 * GraphQL over HTTP on the real auth API: `POST /graphql` (or GET, as urql sends queries) wants a valid Bearer token (401
 * otherwise) and answers `item(id)` with "item-<id>". For the data-layer recipes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { startAuthApi, type AuthApi } from './authApi.js';
import { isJsonObject, parseJson, type JsonObject } from './json.js';

const { graphql, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } = createRequire(
  import.meta.url,
)('graphql') as typeof import('graphql');

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      item: {
        type: GraphQLString,
        args: { id: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: (_, args: { id: number }) => `item-${args.id}`,
      },
    },
  }),
});

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

/** A GraphQL-over-HTTP request: a query and, if given, an object of variables. */
function graphqlRequest(value: unknown): { query: string; variables?: JsonObject } {
  if (!isJsonObject(value) || typeof value.query !== 'string') throw new TypeError('a GraphQL request needs a query');
  return { query: value.query, variables: isJsonObject(value.variables) ? value.variables : undefined };
}

export interface GraphqlHttpServer {
  api: AuthApi;
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  /** Requests to /graphql, answered 401 and 200. */
  counts: { unauthorized: number; ok: number };
  close(): Promise<void>;
}

export async function startGraphqlHttpServer(): Promise<GraphqlHttpServer> {
  const counts = { unauthorized: 0, ok: 0 };
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const verdict = await api.server.backend.authorize(token);
    const body = await readBody(req);
    if (!verdict.ok) {
      counts.unauthorized += 1;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"message":"unauthorized"}]}');
      return;
    }
    counts.ok += 1;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { query, variables } = graphqlRequest(
      req.method === 'GET'
        ? { query: url.searchParams.get('query'), variables: parseJson(url.searchParams.get('variables') ?? '{}') }
        : parseJson(body),
    );
    const result = await graphql({ schema, source: query, variableValues: variables });
    res.writeHead(200, { 'content-type': 'application/graphql-response+json' }).end(JSON.stringify(result));
  }
  const api = await startAuthApi({
    handler(req, res) {
      if (!req.url?.startsWith('/graphql')) return false;
      return answer(req, res).then(() => true);
    },
  });
  return { api, url: `${api.url}/graphql`, counts, close: () => api.close() };
}
