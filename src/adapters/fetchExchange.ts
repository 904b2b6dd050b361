import type { TokenSet } from '../../domain/tokens.js';
import { settle, type AnswerReader, type SentRequest } from './answer.js';
import type { AuthGate, Grant } from './authGate.js';
import { authorizeThen, type TokenScheme } from './scheme.js';

/** How a fetch-shaped adapter (fetch, ky) talks to the network and reads the answer. */
export interface FetchExchange extends AnswerReader<Response> {
  send(request: Request): Promise<Response>;
}

export function fetchExchange(gate: AuthGate, send: (request: Request) => Promise<Response>, isUnauthorized: (response: Response) => boolean): FetchExchange {
  return {
    gate,
    send,
    refused: isUnauthorized,
    describe: (response, url) => ({ status: response.status, url, headers: response.headers }),
    discard(response) {
      void response.body?.cancel().catch(() => undefined);
    },
  };
}

/** A copy of `request` carrying the token; `request` itself is left untouched, though its body moves over. */
export function withToken(scheme: TokenScheme, request: Request, url: URL, tokens: TokenSet): Request | Promise<Request> {
  const headers = new Headers(request.headers);
  return authorizeThen(scheme, { method: request.method, url, headers }, tokens, () => new Request(request, { headers }));
}

/**
 * `request` as the shared answer logic follows it up: each send takes the body from a copy kept
 * beforehand, so a retry and then a replay both send it intact.
 */
function followable(exchange: FetchExchange, request: Request, url: URL): SentRequest<Response> {
  let source = request;
  return {
    url,
    signal: request.signal,
    resend(grant: Grant) {
      const body = source;
      if (source.body !== null) source = source.clone();
      return exchange.gate.send(grant, async () => exchange.send(await withToken(exchange.gate.scheme, body, url, grant.tokens)), request.signal);
    },
  };
}

/** Follows up an answer to `request` (sent with `used`), which still holds its body. */
export function followUpAnswer(exchange: FetchExchange, request: Request, used: TokenSet, answer: Response): Response | Promise<Response> {
  return settle(exchange, followable(exchange, request, new URL(request.url)), answer, used);
}

/** Sends `request` with the granted token, then follows the answer up (retry, or replay after a refresh). */
export async function sendAuthorized(exchange: FetchExchange, request: Request, grant: Grant): Promise<Response> {
  // Keep a copy of the body before the first send consumes it, so a follow-up sends it intact.
  const kept = request.body === null ? request : request.clone();
  const url = new URL(request.url);
  // Authorized in its slot, right before it leaves (a signed proof stays fresh).
  const answer = await exchange.gate.send(grant, async () => exchange.send(await withToken(exchange.gate.scheme, request, url, grant.tokens)), request.signal);
  return settle(exchange, followable(exchange, kept, url), answer, grant.tokens);
}
